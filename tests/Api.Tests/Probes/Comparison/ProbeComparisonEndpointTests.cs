using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Tests.Support;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Tests.Probes.Comparison;

public sealed class ProbeComparisonEndpointTests
{
    [Fact]
    public async Task GetProbe_InsidePassesOutsideTimesOut_ReturnsComparisonBlamingInboundFiltering()
    {
        await using var hub = new HubFactory(new FakeRunner(), new() { ["Hub:LocalAgent:Enabled"] = "false" });
        var client = hub.CreateClient();
        Connect(hub, new ResultAgent("inside-1", "inside", Results.Passed()));
        Connect(hub, new ResultAgent("outside-1", "outside", Results.FailedAtConnect(StepOutcome.Timeout, "connect.timeout")));

        var created = await (await client.PostJsonAsync("/api/v1/probes?wait=10", """{"to":["alice@corp.test"],"agents":{"all":true}}""")).JsonAsync();
        var probe = await (await client.GetAsync($"/api/v1/probes/{created.GetProperty("id").GetString()}", TestContext.Current.CancellationToken)).JsonAsync();

        var comparison = probe.GetProperty("comparison");
        Assert.False(comparison.GetProperty("agree").GetBoolean());
        var finding = Assert.Single(comparison.GetProperty("findings").EnumerateArray());
        Assert.Equal("path.inbound_filtered", finding.GetProperty("code").GetString());
        Assert.Equal("difference", finding.GetProperty("kind").GetString());
        Assert.Equal(["outside"], finding.GetProperty("zones").EnumerateArray().Select(z => z.GetString()));
        Assert.Equal("outside-1", finding.GetProperty("runs")[0].GetProperty("agent").GetString());
        Assert.Contains(comparison.GetProperty("outcomes").EnumerateArray(), o =>
            o.GetProperty("failedStep").GetString() == "connect" && o.GetProperty("diagnosisCode").GetString() == "connect.timeout");
        Assert.Equal(["inside", "outside"], comparison.GetProperty("zones").EnumerateArray().Select(z => z.GetProperty("zone").GetString()).Order());
    }

    [Fact]
    public async Task GetProbe_OneRun_ComparisonIsNull()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();

        var probe = await (await client.PostJsonAsync("/api/v1/probes?wait=10", """{"to":["alice@corp.test"]}""")).JsonAsync();

        Assert.Equal(JsonValueKind.Null, probe.GetProperty("comparison").ValueKind);
    }

    private static void Connect(HubFactory hub, IProbeAgent agent) =>
        hub.Services.GetRequiredService<AgentRegistry>().Register(agent, new AgentConnection("test-1.0", "192.0.2.10"));

    /// <summary>A remote-like agent that answers every assignment with a fixed engine result.</summary>
    private sealed class ResultAgent(string name, string zone, ProbeResult result) : IProbeAgent
    {
        public string Id => name;

        public string Name => name;

        public IReadOnlyDictionary<string, string> Labels { get; } = new Dictionary<string, string> { ["zone"] = zone };

        public int Capacity => 4;

        public Task<ProbeResult> RunAsync(RunAssignment assignment, IProbeObserver progress, CancellationToken cancellationToken) =>
            Task.FromResult(result);
    }
}
