using System.Net;
using System.Text.Json;
using SmtpProbeHub.EndToEnd.Tests.Agents.Processes;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Postfix;
using SmtpProbeHub.TestSupport.Scripted;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.EndToEnd.Tests.Agents;

/// <summary>
/// The built hub and built agents as real processes on loopback, probing a real Postfix (or a scripted
/// server that holds the dialog open, where a test needs a probe in flight). One class: these tests start
/// several processes each and run one after another on a small machine.
/// </summary>
public sealed class AgentFleetTests(PostfixInstance postfix) : IClassFixture<PostfixInstance>
{
    private static string Probe(string server, int port, string to, string agents, string extra = "") =>
        $$"""{"server":"{{server}}","port":{{port}},"from":"admin@test.com","to":["{{to}}"],"agents":{{agents}}{{extra}}}""";

    /// <summary>A server that answers its banner only after a long pause: the probe stays in flight.</summary>
    private static ScriptedSmtpServer SlowServer(TimeSpan bannerDelay) =>
        ScriptedSmtpServer.Start(script => script.Banner = ScriptedReply.Lines("220 slow.test ESMTP").After(bannerDelay));

    [Fact]
    public async Task AllAgents_AgainstRealPostfix_GiveOneCompletedRunEach_WithItsOwnTranscript()
    {
        await using var hub = await FleetHub.StartAsync();
        await using var inside = AgentProcess.Start(hub.GrpcUrl, "inside-1", "inside");
        await using var outside = AgentProcess.Start(hub.GrpcUrl, "outside-1", "outside");
        await hub.Client.WaitForAgentsOnlineAsync("inside-1", "outside-1");

        var response = await hub.Client.PostProbeAsync(Probe(postfix.Host, postfix.Port, postfix.KnownRecipient, """{"all":true}"""), wait: 60);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var probe = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        var runs = probe.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(["inside-1", "outside-1"], runs.Select(r => r.GetProperty("agent").GetProperty("name").GetString()).Order());
        foreach (var run in runs)
        {
            Assert.Equal("completed", run.GetProperty("status").GetString());
            Assert.Equal("passed", run.GetProperty("verdict").GetString());
            var codes = run.GetProperty("steps").EnumerateArray()
                .Where(s => s.GetProperty("reply").ValueKind == JsonValueKind.Object)
                .Select(s => s.GetProperty("reply").GetProperty("code").GetInt32()).ToList();
            Assert.Equal(220, codes[0]);
            Assert.Contains(354, codes);
            Assert.Equal(221, codes[^1]);
            Assert.Contains(run.GetProperty("transcript").EnumerateArray(), t => t.GetProperty("text").GetString()!.Contains(postfix.BannerMarker));
        }

        // Two dialogs, not one result shown twice: each transcript is its own.
        Assert.NotEqual(runs[0].GetProperty("transcript").ToString(), runs[1].GetProperty("transcript").ToString());
    }

    [Fact]
    public async Task AgentKilledMidProbe_RunBecomesAgentLost_WithinTheHeartbeatTimeout()
    {
        await using var server = new SilentServer();
        await using var hub = await FleetHub.StartAsync();
        await using var outside = AgentProcess.Start(hub.GrpcUrl, "outside-1", "outside");
        await hub.Client.WaitForAgentsOnlineAsync("outside-1");
        var id = await StartProbeHeldBySilentServerAsync(hub, server);

        await outside.Process.KillAsync();
        var killedAt = DateTime.UtcNow;
        var probe = await hub.Client.WaitForProbeAsync(id, p => HubClient.RunStatuses(p).Single() != "running", TimeSpan.FromSeconds(20));

        Assert.Equal("agentLost", HubClient.RunStatuses(probe).Single());
        Assert.True(DateTime.UtcNow - killedAt < TimeSpan.FromSeconds(FleetHub.HeartbeatTimeoutSeconds + 3), $"took {DateTime.UtcNow - killedAt}");
        await hub.Client.WaitForProbeAsync(id, p => p.GetProperty("status").GetString() == "completed", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task HubRestartedWhileAgentsHoldResults_AgentsReconnect_AndEveryResultIsStoredOnce()
    {
        await using var server = SlowServer(TimeSpan.FromSeconds(3));
        await using var hub = await FleetHub.StartAsync();
        await using var inside = AgentProcess.Start(hub.GrpcUrl, "inside-1", "inside");
        await using var outside = AgentProcess.Start(hub.GrpcUrl, "outside-1", "outside");
        await hub.Client.WaitForAgentsOnlineAsync("inside-1", "outside-1");
        var created = await hub.Client.PostProbeAsync(Probe(server.Host, server.Port, "alice@corp.test", """{"all":true}"""));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("id").GetString()!;
        await hub.Client.WaitForProbeAsync(id, p => HubClient.RunStatuses(p).All(s => s == "running"));

        await hub.KillAsync();
        // The probes finish while the hub is down: each agent keeps its result on disk.
        await Eventually.TrueAsync(() => inside.SpooledResults == 1 && outside.SpooledResults == 1, TimeSpan.FromSeconds(30));
        await hub.StartAgainAsync();

        var probe = await hub.Client.WaitForProbeAsync(id, p => HubClient.RunStatuses(p).All(s => s == "completed"), TimeSpan.FromSeconds(60));
        Assert.Equal(2, probe.GetProperty("runs").GetArrayLength());
        await Eventually.TrueAsync(() => inside.SpooledResults == 0 && outside.SpooledResults == 0, TimeSpan.FromSeconds(20));
        foreach (var run in probe.GetProperty("runs").EnumerateArray())
        {
            var runId = run.GetProperty("id").GetString()!;
            Assert.Single(hub.Output, l => l.Contains($"Late result for run {runId}: stored=True"));
        }
    }

    [Fact]
    public async Task WrongToken_IsRefused_TheAgentSaysSo_AndIsNotListed()
    {
        await using var hub = await FleetHub.StartAsync();
        await using var intruder = AgentProcess.Start(hub.GrpcUrl, "intruder", "outside", token: "not-the-token");

        var line = (await intruder.Process.WaitForLineAsync(l => l.Contains("Cannot connect"))).Text;

        Assert.Contains("token refused", line);
        Assert.Equal(0, (await hub.Client.GetJsonAsync("/api/v1/agents")).GetArrayLength());
        await hub.Process.WaitForLineAsync(l => l.Contains("agent token refused") && l.Contains("unknown or revoked token"));
        Assert.DoesNotContain("not-the-token", intruder.Process.Text + hub.Process.Text);
    }

    [Fact]
    public async Task CancelMidProbe_StopsTheDialogOnTheAgent_AndTheRunIsCanceled()
    {
        await using var server = new SilentServer();
        await using var hub = await FleetHub.StartAsync();
        await using var outside = AgentProcess.Start(hub.GrpcUrl, "outside-1", "outside");
        await hub.Client.WaitForAgentsOnlineAsync("outside-1");
        var id = await StartProbeHeldBySilentServerAsync(hub, server);

        var cancel = await hub.Http.PostAsync($"/api/v1/probes/{id}/cancel", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var probe = await hub.Client.WaitForProbeAsync(id, p => p.GetProperty("status").GetString() != "running");
        Assert.Equal("canceled", HubClient.RunStatuses(probe).Single());
        // The agent really hung up on the server, long before its 30 s banner timeout.
        await server.ClientHungUp.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await outside.Process.WaitForLineAsync(l => l.Contains("cancel requested"));
    }

    [Fact]
    public async Task Sigterm_WithARunInFlight_TakesNoNewWork_FinishesAndReportsTheRun_ThenExits()
    {
        await using var server = SlowServer(TimeSpan.FromSeconds(2));
        await using var hub = await FleetHub.StartAsync();
        await using var outside = AgentProcess.Start(hub.GrpcUrl, "outside-1", "outside");
        await hub.Client.WaitForAgentsOnlineAsync("outside-1");
        var created = await hub.Client.PostProbeAsync(Probe(server.Host, server.Port, "alice@corp.test", """{"labels":{"zone":"outside"}}"""));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("id").GetString()!;
        await hub.Client.WaitForProbeAsync(id, p => HubClient.RunStatuses(p).Single() == "running");

        var exit = await outside.Process.StopAsync();

        Assert.Equal(0, exit);
        Assert.Contains(outside.Process.Output, l => l.Contains("no new work"));
        var probe = await hub.Client.WaitForProbeAsync(id, p => HubClient.RunStatuses(p).Single() != "running", TimeSpan.FromSeconds(10));
        Assert.Equal("completed", HubClient.RunStatuses(probe).Single());
        Assert.Equal(0, outside.SpooledResults);
    }

    [Fact]
    public async Task LabelSelectorMatchingNobody_Is422_AndNothingIsSent()
    {
        await using var hub = await FleetHub.StartAsync();
        await using var inside = AgentProcess.Start(hub.GrpcUrl, "inside-1", "inside");
        await hub.Client.WaitForAgentsOnlineAsync("inside-1");

        var response = await hub.Client.PostProbeAsync(Probe(postfix.Host, postfix.Port, postfix.KnownRecipient, """{"labels":{"zone":"mars"}}"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("no-agents-matched", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.DoesNotContain(inside.Process.Output, l => l.Contains("started, deadline"));
    }

    /// <summary>Posts a probe for the outside agent against a server that never answers; returns once the dialog is in flight.</summary>
    private static async Task<string> StartProbeHeldBySilentServerAsync(HubProcess hub, SilentServer server)
    {
        var created = await hub.Client.PostProbeAsync(Probe(server.Host, server.Port, "alice@corp.test", """{"labels":{"zone":"outside"}}"""));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("id").GetString()!;
        await hub.Client.WaitForProbeAsync(id, p => HubClient.RunStatuses(p).Single() == "running");
        await Eventually.TrueAsync(() => server.Connections > 0);
        return id;
    }
}
