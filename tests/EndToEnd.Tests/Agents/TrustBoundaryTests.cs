using System.Net;
using System.Text.Json;
using SmtpProbeHub.EndToEnd.Tests.Agents.Processes;
using SmtpProbeHub.TestSupport.Dns;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Postfix;

namespace SmtpProbeHub.EndToEnd.Tests.Agents;

/// <summary>
/// The attacks of the trust-boundary issue, tried with the built hub and agents as real processes: an impostor
/// agent, a port scan through the hub and through a remote agent (also via a DNS name that resolves to loopback),
/// and the REST API looked for on the agents' port.
/// </summary>
public sealed class TrustBoundaryTests(PostfixInstance postfix) : IClassFixture<PostfixInstance>
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public async Task ImpostorWithACopiedAgentId_IsRefused_TheRealAgentStaysOnline_AndGetsTheWork()
    {
        await using var hub = await FleetHub.StartAsync();
        await using var real = AgentProcess.Start(hub.GrpcUrl, "outside-1", "outside");
        await hub.Client.WaitForAgentsOnlineAsync("outside-1");
        var id = await real.IdAsync();

        // Same token, same id (its agent-id file copied), but not the real agent's key.
        await using var impostor = AgentProcess.Start(hub.GrpcUrl, "outside-1", "outside", FleetHub.Token, id, allowLoopbackTargets: true);
        var line = (await impostor.Process.WaitForLineAsync(l => l.Contains("Cannot connect"))).Text;

        Assert.Contains("refused this agent's identity", line);
        Assert.Contains("another agent key", line);
        var agents = (await hub.Client.GetJsonAsync("/api/v1/agents")).EnumerateArray().ToList();
        Assert.Equal("online", Assert.Single(agents).GetProperty("status").GetString());
        var response = await hub.Client.PostProbeAsync(
            $$$"""{"server":"{{{postfix.Host}}}","port":{{{postfix.Port}}},"from":"admin@test.com","to":["{{{postfix.KnownRecipient}}}"],"tls":"none","agents":{"ids":["{{{id}}}"]}}""", wait: 60);
        var run = Json(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).GetProperty("runs")[0];
        Assert.Equal("passed", run.GetProperty("verdict").GetString());
        Assert.Contains(real.Process.Output, l => l.Contains("ended: Completed"));
        Assert.DoesNotContain(impostor.Process.Output, l => l.Contains("started, deadline"));
        Assert.Contains(hub.Output, l => l.Contains("agent identity refused") && l.Contains(id));
    }

    [Fact]
    public async Task PortScanThroughARemoteAgent_IsRefusedByTheAgentsOwnPolicy_EvenWhenTheHubAllowsIt_NoPacketSent()
    {
        await using var target = new SilentServer();
        // The hub's policy allows loopback and every port (HubProcess), so only the agent's default policy stands in the way.
        await using var hub = await FleetHub.StartAsync();
        await using var agent = AgentProcess.Start(hub.GrpcUrl, "inside-1", "inside", FleetHub.Token, agentId: null, allowLoopbackTargets: false);
        await hub.Client.WaitForAgentsOnlineAsync("inside-1");

        var response = await hub.Client.PostProbeAsync($$"""{"server":"{{target.Host}}","port":{{target.Port}},"to":["alice@corp.test"]}""", wait: 60);

        var run = Json(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).GetProperty("runs")[0];
        Assert.Equal("connect", run.GetProperty("failedStep").GetString());
        Assert.Equal("connect.not_allowed", run.GetProperty("diagnosis").GetProperty("code").GetString());
        Assert.Contains("agent policy", run.ToString());
        Assert.Equal(0, target.Connections);
    }

    [Fact]
    public async Task ADnsNameResolvingToLoopback_IsRefusedAtConnect_ThroughTheBuiltInAgent_NoPacketSent()
    {
        await using var target = new SilentServer();
        await using var dns = await DnsmasqInstance.StartAsync(new DnsZone()
            .AddLocalDomain("rebind.test")
            .AddHost("scan.rebind.test", IPAddress.Loopback)
            .AddMx("rebind.test", "scan.rebind.test", 10));
        // The port is allowed, loopback is not: only the resolved address can refuse it.
        await using var hub = await HubProcess.StartAsync(
            $"--Hub:Targets:AllowedPorts:0={target.Port}", $"--Hub:LocalAgent:DnsServers:0={dns.EndPoint}");

        var byName = await hub.Client.PostProbeAsync($$"""{"server":"scan.rebind.test","port":{{target.Port}},"to":["alice@corp.test"]}""", wait: 60);
        var byMx = await hub.Client.PostProbeAsync($$"""{"port":{{target.Port}},"to":["alice@rebind.test"]}""", wait: 60);

        foreach (var response in new[] { byName, byMx })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var run = Json(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).GetProperty("runs")[0];
            Assert.Equal("connect.not_allowed", run.GetProperty("diagnosis").GetProperty("code").GetString());
            Assert.Contains("loopback", run.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "connect").GetProperty("detail").GetString());
        }

        Assert.Equal(0, target.Connections);
        var direct = await hub.Client.PostProbeAsync($$"""{"server":"127.0.0.1","port":{{target.Port}},"to":["alice@corp.test"]}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, direct.StatusCode);
    }

    [Fact]
    public async Task RestAndSwagger_AreNotServedOnTheAgentsPort_AndTheAgentServiceNotOnTheRestPort()
    {
        await using var hub = await FleetHub.StartAsync();
        // The agents' endpoint speaks HTTP/2 with prior knowledge (plaintext), as agents do.
        using var h2c = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        foreach (var path in new[] { "/api/v1/agents", "/swagger/index.html", "/swagger/v1/swagger.json", "/health/live", "/metrics" })
        {
            var onAgentsPort = await h2c.GetAsync($"http://127.0.0.1:{hub.GrpcPort}{path}", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, onAgentsPort.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await hub.Http.GetAsync("/swagger/v1/swagger.json", TestContext.Current.CancellationToken)).StatusCode);
        var grpcOnRest = await hub.Http.PostAsync("/smtpprobehub.v1.AgentHub/Connect", new ByteArrayContent([]), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, grpcOnRest.StatusCode);
    }
}
