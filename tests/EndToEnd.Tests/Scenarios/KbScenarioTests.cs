using System.Text.Json;
using System.Text.Json.Nodes;

namespace SmtpProbeHub.EndToEnd.Tests.Scenarios;

/// <summary>
/// KB 153119's "test from a host on the internet" on real networks: the same probe from the inside and the outside
/// agent, with one thing broken per scenario, and the comparison expected to name it. One network for the class;
/// each scenario starts from everything open.
/// </summary>
public sealed class KbScenarioTests(KbNetwork network) : IClassFixture<KbNetwork>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AllOpen_BothPass_ComparisonAgrees()
    {
        await network.ResetAsync();

        var probe = await ProbeAsync("a");

        Expect(probe, "inside", "passed", null);
        Expect(probe, "outside", "passed", null);
        var comparison = Comparison(probe);
        Assert.True((bool)comparison["agree"]!, Describe(probe));
        Assert.Empty(comparison["findings"]!.AsArray());
    }

    [Fact]
    public async Task InboundSmtpDroppedAtRouter_OutsideTimesOutAtConnect_BlamesInboundFiltering()
    {
        await network.ResetAsync();
        await network.Topology.Firewall.DropInboundAsync(25);

        var probe = await ProbeAsync("b");

        Expect(probe, "inside", "passed", null);
        var outside = Expect(probe, "outside", "failed", "connect");
        Assert.Equal("connect.timeout", (string?)outside["diagnosis"]?["code"]);
        Assert.Equal("timeout", (string?)Step(outside, "connect")["outcome"]);
        ExpectFinding(probe, "path.inbound_filtered", "outside");
    }

    [Fact]
    public async Task InboundSmtpRejectedWithReset_OutsideRefusedAtConnect_NamesTheResettingDevice()
    {
        await network.ResetAsync();
        await network.Topology.Firewall.RejectInboundWithResetAsync(25);

        var probe = await ProbeAsync("c");

        Expect(probe, "inside", "passed", null);
        var outside = Expect(probe, "outside", "failed", "connect");
        Assert.Equal("connect.refused", (string?)outside["diagnosis"]?["code"]);
        ExpectFinding(probe, "path.inbound_reset", "outside");
    }

    [Fact]
    public async Task PublicResolverServesAStaleMx_OutsideResolvesAnotherHost_NamesSplitDns()
    {
        await network.ResetAsync();
        await network.ServeStalePublicMxAsync();

        var probe = await ProbeAsync("d");

        var inside = Expect(probe, "inside", "passed", null);
        var outside = Expect(probe, "outside", "failed", "connect");
        Assert.Equal(ScenarioZones.MailHost, (string?)inside["resolution"]?["hosts"]?[0]?["name"]);
        Assert.Equal(ScenarioZones.StaleMailHost, (string?)outside["resolution"]?["hosts"]?[0]?["name"]);
        var finding = ExpectFinding(probe, "dns.different_mx", "outside");
        Assert.Contains(ScenarioZones.StaleMailHost, (string?)finding["summary"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostfixRefusesTheInternetRange_OutsideGets554AtRcpt_NamesServerRefusal()
    {
        await network.ResetAsync();
        await network.RefuseInternetClientsAsync();

        var probe = await ProbeAsync("e");

        Expect(probe, "inside", "passed", null);
        var outside = Expect(probe, "outside", "failed", "rcpt");
        var reply = Step(outside, "rcpt")["reply"]!;
        Assert.Equal(554, (int)reply["code"]!);
        Assert.Equal("5.7.1", (string?)reply["enhancedCode"]);
        ExpectFinding(probe, "server.refuses_clients", "outside");
    }

    [Fact]
    public async Task StartTlsHiddenFromTheInternet_BothPass_NamesStartTlsStripping()
    {
        await network.ResetAsync();
        await network.HideStartTlsFromInternetAsync();

        var probe = await ProbeAsync("f");

        var inside = Expect(probe, "inside", "passed", null);
        var outside = Expect(probe, "outside", "passed", null);
        Assert.Equal("ok", (string?)Step(inside, "starttls")["outcome"]);
        Assert.NotNull(inside["tls"]);
        Assert.Equal("skipped", (string?)Step(outside, "starttls")["outcome"]);
        Assert.Null(outside["tls"]);
        Assert.False((bool)Comparison(probe)["agree"]!, Describe(probe));
        ExpectFinding(probe, "tls.starttls_stripped", "outside");
    }

    private async Task<JsonObject> ProbeAsync(string scenario)
    {
        var request = KbNetwork.KbRequest();
        var probe = await network.Hub.RunProbeAsync(request, waitSeconds: 45, Ct);
        ScenarioRecord.Write(scenario, request, probe);
        Assert.True((string?)probe["status"] == "completed", Describe(probe));
        Assert.Equal(2, probe["runs"]!.AsArray().Count);
        return probe;
    }

    private JsonObject Expect(JsonObject probe, string zone, string verdict, string? failedStep)
    {
        var run = probe["runs"]!.AsArray().Select(r => r!.AsObject()).SingleOrDefault(r => (string?)r["agent"]?["labels"]?["zone"] == zone);
        Assert.True(run is not null, $"no run from zone {zone}. {Describe(probe)}");
        Assert.True((string?)run["status"] == "completed", $"{zone} run status. {Describe(probe)}");
        Assert.True((string?)run["verdict"] == verdict, $"{zone} verdict should be {verdict}. {Describe(probe)}");
        Assert.True((string?)run["failedStep"] == failedStep, $"{zone} failedStep should be {failedStep ?? "null"}. {Describe(probe)}");
        return run;
    }

    private JsonObject ExpectFinding(JsonObject probe, string code, string zone)
    {
        var comparison = Comparison(probe);
        Assert.False((bool)comparison["agree"]!, Describe(probe));
        var findings = comparison["findings"]!.AsArray().Select(f => f!.AsObject()).ToList();
        Assert.True(findings.Count == 1 && (string?)findings[0]["code"] == code, $"expected the single finding {code}. {Describe(probe)}");
        Assert.Equal([zone], findings[0]["zones"]!.AsArray().Select(z => (string?)z));
        Assert.False(string.IsNullOrWhiteSpace((string?)findings[0]["cause"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)findings[0]["nextStep"]));
        return findings[0];
    }

    private JsonObject Comparison(JsonObject probe) =>
        probe["comparison"] as JsonObject ?? throw new Xunit.Sdk.XunitException($"no comparison. {Describe(probe)}");

    private static JsonObject Step(JsonObject run, string name) =>
        run["steps"]!.AsArray().Select(s => s!.AsObject()).Last(s => (string?)s["name"] == name);

    private string Describe(JsonObject probe) =>
        $"Probe:{Environment.NewLine}{probe.ToJsonString(new JsonSerializerOptions { WriteIndented = true })}{Environment.NewLine}{network.Diagnostics()}";
}
