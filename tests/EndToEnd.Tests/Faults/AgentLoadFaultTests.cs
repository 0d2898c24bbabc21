using System.Text.Json;
using SmtpProbeHub.EndToEnd.Tests.Agents;
using SmtpProbeHub.EndToEnd.Tests.Agents.Processes;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.EndToEnd.Tests.Faults;

/// <summary>
/// Capacity, deadlines and a frozen agent with the built hub and agent as real processes: many probes against a server
/// that never greets, some ended by the hub's deadline while the agent is still dialling, and an agent stopped with
/// SIGSTOP long enough for the hub to give up on it.
/// </summary>
public sealed class AgentLoadFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoHundredProbesThroughOneAgent_AllRun_NoneRefusedOrLost_AndNeverMoreAtOnceThanItsCapacity()
    {
        const int capacity = 8;
        await using var silent = new SilentServer();
        // No grace: the hub's deadline (2 s) falls soon after the engine's banner timeout (1 s), so on a busy machine the hub
        // cancels runs the agent is still ending, and their slots must wait for the agent's word.
        // Two hundred POSTs at once, as automation with a raised per-client limit would send them (the default is 60 at once).
        await using var hub = await FleetHub.StartAsync("http", "--Hub:Dispatch:DeadlineGraceSeconds=0", "--Hub:RateLimit:Burst=1000", "--Hub:RateLimit:PerMinute=6000");
        await using var agent = AgentProcess.Start(hub.GrpcUrl, "outside-1", "outside", FleetHub.Token, agentId: null, allowLoopbackTargets: true, capacity);
        await hub.Client.WaitForAgentsOnlineAsync("outside-1");

        var posts = Enumerable.Range(0, 200).Select(async _ =>
        {
            var response = await hub.Client.PostProbeAsync(
                $$$"""{"server":"{{{silent.Host}}}","port":{{{silent.Port}}},"to":["alice@corp.test"],"timeouts":{"bannerSeconds":1,"totalSeconds":2}}""");
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetString()!;
        });
        var ids = await Task.WhenAll(posts);

        var statuses = new List<string>();
        foreach (var id in ids)
        {
            var probe = await hub.Client.WaitForProbeAsync(id, p => p.GetProperty("status").GetString() != "running", TimeSpan.FromSeconds(120));
            statuses.AddRange(HubClient.RunStatuses(probe));
        }

        Assert.Equal(200, statuses.Count);
        Assert.All(statuses, s => Assert.Contains(s, new[] { "completed", "timedOut" }));
        // On a busy machine some runs end at the hub's deadline before the agent has even dialled (no grace): fewer
        // connections than probes is right; more would mean a run was dialled twice.
        Assert.InRange(silent.Connections, 1, 200);
        // Exact, at the agent: it refuses (and logs "refused") an assignment beyond its capacity, so none means the hub
        // never gave it more than 8 at once. At the server, one more may show: a dialog's close that the server has not
        // read yet while the agent, having closed it, already dials the next (bench/ says the same of its sink).
        Assert.DoesNotContain(agent.Process.Output, l => l.Contains("refused", StringComparison.Ordinal));
        Assert.True(silent.MaxConcurrent <= capacity + 1, $"{silent.MaxConcurrent} dialogs at once on an agent of capacity {capacity}");
    }

    [Fact]
    public async Task AFrozenAgent_ThatTheHubDeclaredLost_StopsItsDialogsAsSoonAsItResumes()
    {
        await using var silent = new SilentServer();
        await using var hub = await FleetHub.StartAsync();
        await using var agent = AgentProcess.Start(hub.GrpcUrl, "outside-1", "outside");
        await hub.Client.WaitForAgentsOnlineAsync("outside-1");
        var response = await hub.Client.PostProbeAsync(
            $$$"""{"server":"{{{silent.Host}}}","port":{{{silent.Port}}},"to":["alice@corp.test"],"timeouts":{"bannerSeconds":120,"totalSeconds":300}}""");
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetString()!;
        await Eventually.TrueAsync(() => silent.Open > 0, TimeSpan.FromSeconds(30));

        await agent.Process.SignalAsync("STOP");
        try
        {
            var lost = await hub.Client.WaitForProbeAsync(id, p => p.GetProperty("status").GetString() != "running", TimeSpan.FromSeconds(30));
            Assert.Equal("agentLost", HubClient.RunStatuses(lost).Single());
        }
        finally
        {
            await agent.Process.SignalAsync("CONT");
        }

        // The dialog would otherwise wait for its banner for two minutes; the hub's cancel, waiting on the stream, ends it.
        await silent.ClientHungUp.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        await agent.Process.WaitForLineAsync(l => l.Contains("cancel requested", StringComparison.Ordinal));
        Assert.Equal(1, silent.Connections);
    }
}
