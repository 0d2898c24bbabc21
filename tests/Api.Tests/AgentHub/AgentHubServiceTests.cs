using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Tests.Support;
using SmtpProbeHub.Contracts.Mapping;
using SmtpProbeHub.Contracts.V1;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.TestSupport.Waiting;
using Kind = SmtpProbeHub.Contracts.V1.HubMessage.KindOneofCase;

namespace SmtpProbeHub.Api.Tests.AgentHub;

/// <summary>The hub's gRPC side with scripted agents on the real contract (in-process server).</summary>
public sealed class AgentHubServiceTests : IDisposable
{
    private readonly HubFactory _hub = HubFactory.WithRemoteAgents();

    public void Dispose() => _hub.Dispose();

    private async Task<TestAgentClient> Connect(string name, int capacity = 2, string zone = "outside", string? token = HubFactory.AgentToken)
    {
        var agent = await TestAgentClient.ConnectAsync(_hub.Channel(), token, name, capacity, ("zone", zone));
        await agent.NextAsync(Kind.Welcome);
        return agent;
    }

    /// <summary>Submits a probe to every agent ({"all":true}) and returns its id with the run the agent was assigned.</summary>
    private static async Task<(string ProbeId, string RunId)> AssignedAsync(HttpClient http, TestAgentClient agent)
    {
        var (_, probe) = await http.PostProbeAsync("""{"all":true}""");
        var runId = (await agent.NextAsync(Kind.Assignment)).Assignment.RunId;
        return (probe.GetProperty("id").GetString()!, runId);
    }

    private static ProbeResult Passed(string line) => new()
    {
        Verdict = Verdict.Passed,
        DurationMs = 4.5,
        Steps = [new ProbeStep(StepName.Quit, "QUIT", StepOutcome.Ok, new SmtpReply(221, "2.0.0", ["2.0.0 Bye"]), DateTimeOffset.UtcNow, 1)],
        Transcript = [new TranscriptEntry(0, TranscriptDirection.Received, line)],
    };

    [Theory]
    [InlineData(null)]
    [InlineData("not-the-token")]
    public async Task UnknownOrMissingToken_IsRefusedUnauthenticated_AndNotListed_AndNeverLogged(string? token)
    {
        var http = _hub.CreateClient();
        await using var agent = await TestAgentClient.ConnectAsync(_hub.Channel(), token, "intruder");

        var ex = await Assert.ThrowsAsync<RpcException>(() => agent.NextAsync(Kind.Welcome));

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal(0, (await http.AgentsAsync()).GetArrayLength());
        Assert.Contains(_hub.Logs.Lines, l => l.Contains("refused") && l.Contains(token is null ? "no bearer token" : "unknown or revoked token"));
        Assert.DoesNotContain(_hub.Logs.Lines, l => l.Contains("not-the-token") || l.Contains(HubFactory.AgentToken));
    }

    [Fact]
    public async Task Hello_ListsTheAgentOnline_WithLabelsVersionCapacityAndAddress()
    {
        var http = _hub.CreateClient();
        await using var agent = await Connect("outside-1", capacity: 3);

        var listed = Assert.Single((await http.AgentsAsync()).EnumerateArray());

        Assert.Equal(agent.Id, listed.GetProperty("id").GetString());
        Assert.Equal("outside-1", listed.GetProperty("name").GetString());
        Assert.Equal("outside", listed.GetProperty("labels").GetProperty("zone").GetString());
        Assert.Equal("online", listed.GetProperty("status").GetString());
        Assert.Equal("test-1.2.3", listed.GetProperty("version").GetString());
        Assert.Equal(3, listed.GetProperty("capacity").GetInt32());
        Assert.False(listed.GetProperty("local").GetBoolean());
    }

    [Fact]
    public async Task BadHello_IsRefusedInvalidArgument()
    {
        await using var agent = await TestAgentClient.ConnectAsync(_hub.Channel(), HubFactory.AgentToken, "bad\r\nname");

        var ex = await Assert.ThrowsAsync<RpcException>(() => agent.NextAsync(Kind.Welcome));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("name", ex.Status.Detail);
    }

    [Fact]
    public async Task Probe_IsAssignedWithPlanAndDeadline_ProgressIsLive_ResultStored_ThenAcked()
    {
        var http = _hub.CreateClient();
        await using var agent = await Connect("outside-1");

        var (status, probe) = await http.PostProbeAsync("""{"labels":{"zone":"outside"}}""");
        Assert.Equal(HttpStatusCode.Accepted, status);
        var assignment = (await agent.NextAsync(Kind.Assignment)).Assignment;
        var plan = ProbeWire.ToPlan(assignment);
        Assert.Equal(["alice@corp.test"], plan.To);
        Assert.Equal(2525, plan.Port);
        Assert.InRange(ProbeWire.DeadlineOf(assignment), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(10));

        await agent.SendAsync(new AgentMessage { Progress = ProbeWire.ToProgress(assignment.RunId, new TranscriptEntry(0, TranscriptDirection.Received, "220 live line")) });
        var running = await http.WaitForRunAsync(probe.GetProperty("id").GetString()!, "running");
        Assert.Equal(agent.Id, running.GetProperty("agent").GetProperty("id").GetString());

        await agent.SendAsync(new AgentMessage { Result = ProbeWire.ToCompleted(assignment.RunId, Passed("220 from outside-1"), DateTimeOffset.UtcNow) });
        var ack = (await agent.NextAsync(Kind.ResultAck)).ResultAck;

        Assert.Equal(assignment.RunId, ack.RunId);
        var run = await http.WaitForRunAsync(probe.GetProperty("id").GetString()!, "completed");
        Assert.Equal("passed", run.GetProperty("verdict").GetString());
        Assert.Equal("220 from outside-1", run.GetProperty("transcript")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task SameResultTwice_IsStoredOnce_AndAckedBothTimes()
    {
        var http = _hub.CreateClient();
        await using var agent = await Connect("outside-1");
        var (probeId, runId) = await AssignedAsync(http, agent);

        await agent.SendAsync(new AgentMessage { Result = ProbeWire.ToCompleted(runId, Passed("first"), DateTimeOffset.UtcNow) });
        await agent.NextAsync(Kind.ResultAck);
        await agent.SendAsync(new AgentMessage { Result = ProbeWire.ToCompleted(runId, Passed("second"), DateTimeOffset.UtcNow) });
        await agent.NextAsync(Kind.ResultAck);

        var run = await http.WaitForRunAsync(probeId, "completed");
        Assert.Equal("first", run.GetProperty("transcript")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task SilentAgent_PastTheHeartbeatTimeout_GoesOffline_AndItsRunBecomesAgentLost()
    {
        var http = _hub.CreateClient();
        await using var agent = await Connect("outside-1");
        var (probeId, _) = await AssignedAsync(http, agent);
        var started = DateTime.UtcNow;

        var run = await http.WaitForRunAsync(probeId, "agentLost", seconds: 10);

        // Silence counts from the last message (the hello), so the run may end a little under 3 s after its assignment.
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(9));
        Assert.Equal("offline", (await http.AgentsAsync())[0].GetProperty("status").GetString());
        await _hub.Logs.WaitForLineAsync(l => l.Contains("disconnected: no heartbeat for 3s"), 5);
    }

    [Fact]
    public async Task HeartbeatingAgent_StaysOnline_PastTheTimeout()
    {
        // The hub's clock is the test's: 4 s of it pass, a heartbeat every 0.5 s, each taken before the clock moves on.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var hub = HubFactory.WithRemoteAgents(clock: clock);
        var http = hub.CreateClient();
        await using var agent = await TestAgentClient.ConnectAsync(hub.Channel(), HubFactory.AgentToken, "outside-1", 2, ("zone", "outside"));
        await agent.NextAsync(Kind.Welcome);
        var registry = hub.Services.GetRequiredService<AgentRegistry>();

        for (var i = 0; i < 8; i++)
        {
            await agent.SendAsync(new AgentMessage { Heartbeat = new Heartbeat() });
            await Eventually.TrueAsync(() => registry.Find(agent.Id)?.LastSeen == clock.GetUtcNow());
            clock.Advance(TimeSpan.FromMilliseconds(500));
        }

        Assert.Equal("online", (await http.AgentsAsync())[0].GetProperty("status").GetString());

        // The same clock, with the heartbeats stopped, takes it offline: the heartbeats above are what kept it online.
        clock.Advance(TimeSpan.FromSeconds(4));
        await hub.Logs.WaitForLineAsync(l => l.Contains("disconnected: no heartbeat for 3s"), 10);
    }

    [Fact]
    public async Task StreamAborted_MidRun_RunBecomesAgentLost()
    {
        var http = _hub.CreateClient();
        var agent = await Connect("outside-1");
        var (probeId, _) = await AssignedAsync(http, agent);

        await agent.DisposeAsync();

        var run = await http.WaitForRunAsync(probeId, "agentLost", seconds: 10);
        Assert.Equal("agent.lost", run.GetProperty("diagnosis").GetProperty("code").GetString());
    }

    [Fact]
    public async Task SilentAgent_WithOneRunInFlight_TheDisconnectLineCountsIt()
    {
        var http = _hub.CreateClient();
        await using var agent = await Connect("outside-1");
        var (probeId, _) = await AssignedAsync(http, agent);

        // No heartbeat: the hub drops the agent and ends (cancels) its run itself.
        await http.WaitForRunAsync(probeId, "agentLost", seconds: 10);
        // Counted before the runs are ended: afterwards none is pending and the line would say 0.
        await _hub.Logs.WaitForLineAsync(l => l.Contains("Agent outside-1") && l.Contains("; 1 run(s) in flight become agentLost"), 5);
    }

    [Fact]
    public async Task ProgressBatch_IsTakenLineByLine_InOrder()
    {
        var http = _hub.CreateClient();
        await using var agent = await Connect("outside-1");
        var (probeId, runId) = await AssignedAsync(http, agent);
        var batch = new ProgressBatch();
        foreach (var text in new[] { "220 first", "EHLO test.com", "250 third" })
        {
            batch.Items.Add(ProbeWire.ToProgress(runId, new TranscriptEntry(0, TranscriptDirection.Received, text)));
        }

        await agent.SendAsync(new AgentMessage { ProgressBatch = batch });
        // The agent could not finish: the run keeps the transcript the hub got, which is the batch.
        await agent.SendAsync(new AgentMessage { Result = ProbeWire.ToEnded(runId, RunOutcome.Failed, "agent error", DateTimeOffset.UtcNow) });
        await agent.NextAsync(Kind.ResultAck);

        var run = await http.WaitForRunAsync(probeId, "agentLost", seconds: 10);
        Assert.Equal("agent.error", run.GetProperty("diagnosis").GetProperty("code").GetString());
        Assert.Equal(["220 first", "EHLO test.com", "250 third"], run.GetProperty("transcript").EnumerateArray().Select(e => e.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task CancelProbe_ReachesTheAgent_AndTheRunIsCanceled()
    {
        var http = _hub.CreateClient();
        await using var agent = await Connect("outside-1");
        var (probeId, runId) = await AssignedAsync(http, agent);

        var canceling = http.PostAsync($"/api/v1/probes/{probeId}/cancel", null, TestContext.Current.CancellationToken);
        var cancel = (await agent.NextAsync(Kind.Cancel)).Cancel;

        Assert.Equal(runId, cancel.RunId);
        Assert.Equal(HttpStatusCode.OK, (await canceling).StatusCode);
        await http.WaitForRunAsync(probeId, "canceled");
    }

    [Fact]
    public async Task AgentAtCapacity_GetsTheNextRunOnlyWhenOneEnds()
    {
        var http = _hub.CreateClient();
        await using var agent = await Connect("outside-1", capacity: 1);
        await http.PostProbeAsync("""{"all":true}""");
        var first = (await agent.NextAsync(Kind.Assignment)).Assignment.RunId;

        await http.PostProbeAsync("""{"all":true}""");

        Assert.True(await agent.NoneWithinAsync(Kind.Assignment, 1.5));
        await agent.SendAsync(new AgentMessage { Result = ProbeWire.ToCompleted(first, Passed("one"), DateTimeOffset.UtcNow) });
        var second = (await agent.NextAsync(Kind.Assignment)).Assignment.RunId;
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task ReconnectedAgent_StillRunningRunsFromBefore_GetsNoMoreThanItsCapacity_UntilItsHeartbeatSaysThemDone()
    {
        var http = _hub.CreateClient();
        await using var agent = await TestAgentClient.ConnectAsync(_hub.Channel(), HubFactory.AgentToken, "outside-1", capacity: 1, runsFromBefore: 1, [("zone", "outside")]);
        await agent.NextAsync(Kind.Welcome);

        await http.PostProbeAsync("""{"all":true}""");

        // Heartbeats saying the run from before still runs keep the agent online (the factory drops it after 3 s of silence).
        await agent.SendAsync(new AgentMessage { Heartbeat = new Heartbeat { InFlight = 1 } });
        Assert.True(await agent.NoneWithinAsync(Kind.Assignment, 1.5));
        await agent.SendAsync(new AgentMessage { Heartbeat = new Heartbeat { InFlight = 1 } });
        var listed = (await http.GetFromJsonAsync<JsonElement>("/api/v1/agents", TestContext.Current.CancellationToken))
            .EnumerateArray().Single(a => a.GetProperty("id").GetString() == agent.Id);
        Assert.Equal(1, listed.GetProperty("inFlight").GetInt32());
        await agent.SendAsync(new AgentMessage { Heartbeat = new Heartbeat { InFlight = 0 } });
        await agent.NextAsync(Kind.Assignment);
    }

    [Fact]
    public async Task LabelSelectorMatchingNobody_Is422()
    {
        var http = _hub.CreateClient();
        await using var agent = await Connect("outside-1");

        var (status, body) = await http.PostProbeAsync("""{"labels":{"zone":"mars"}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("no-agents-matched", body.GetProperty("type").GetString());
        Assert.True(await agent.NoneWithinAsync(Kind.Assignment, 0.5));
    }

    [Fact]
    public async Task ResultResentAfterReconnect_CompletesTheLostRun_Once()
    {
        var http = _hub.CreateClient();
        var first = await Connect("outside-1");
        var (probeId, runId) = await AssignedAsync(http, first);
        await first.DisposeAsync();
        await http.WaitForRunAsync(probeId, "agentLost");

        // The same agent (same id) comes back and delivers the result it kept on disk.
        await using var again = await TestAgentClient.ConnectAsync(
            _hub.Channel(), HubFactory.AgentToken, "outside-1", 2, runsFromBefore: 0, [("zone", "outside")], agentId: first.Id, agentKey: first.Key);
        await again.NextAsync(Kind.Welcome);
        await again.SendAsync(new AgentMessage { Result = ProbeWire.ToCompleted(runId, Passed("kept on disk"), DateTimeOffset.UtcNow) });

        Assert.Equal(runId, (await again.NextAsync(Kind.ResultAck)).ResultAck.RunId);
        var run = await http.WaitForRunAsync(probeId, "completed");
        Assert.Equal("kept on disk", run.GetProperty("transcript")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task ARejectedAssignment_IsQueuedAgain_NotLost_AndCompletesWhenTheAgentTakesIt()
    {
        var http = _hub.CreateClient();
        await using var agent = await Connect("outside-1", capacity: 1);
        var (probeId, runId) = await AssignedAsync(http, agent);

        await agent.SendAsync(new AgentMessage { Rejected = new AssignmentRejected { RunId = runId, Reason = "at its capacity of 1" } });

        var again = await agent.NextAsync(Kind.Assignment);
        Assert.Equal(runId, again.Assignment.RunId);
        await agent.SendAsync(new AgentMessage { Result = ProbeWire.ToCompleted(runId, Passed("second try"), DateTimeOffset.UtcNow) });
        var run = await http.WaitForRunAsync(probeId, "completed");
        Assert.Equal("passed", run.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task ACancelledRun_HoldsItsSlot_UntilTheAgentSaysItStopped()
    {
        var http = _hub.CreateClient();
        await using var agent = await Connect("outside-1", capacity: 1);
        var (first, firstRun) = await AssignedAsync(http, agent);
        await http.PostAsync($"/api/v1/probes/{first}/cancel", null, TestContext.Current.CancellationToken);
        Assert.Equal(firstRun, (await agent.NextAsync(Kind.Cancel)).Cancel.RunId);

        await http.PostProbeAsync("""{"all":true}""");
        // The agent still runs the cancelled dialog (it has not said otherwise): a second run would exceed its capacity of 1.
        await agent.SendAsync(new AgentMessage { Heartbeat = new Heartbeat { InFlight = 1, RunningRunIds = { firstRun } } });
        Assert.True(await agent.NoneWithinAsync(Kind.Assignment, 1.5));
        await agent.SendAsync(new AgentMessage { Result = ProbeWire.ToEnded(firstRun, RunOutcome.Canceled, "canceled by the hub", DateTimeOffset.UtcNow) });

        Assert.NotEqual(firstRun, (await agent.NextAsync(Kind.Assignment)).Assignment.RunId);
    }

    [Fact]
    public async Task AHeartbeatListingARunTheHubDoesNotRunThere_GetsACancelForIt()
    {
        await using var agent = await Connect("outside-1");

        await agent.SendAsync(new AgentMessage { Heartbeat = new Heartbeat { InFlight = 1, RunningRunIds = { "0b6f2a52-run-from-before" } } });

        var cancel = await agent.NextAsync(Kind.Cancel);
        Assert.Equal("0b6f2a52-run-from-before", cancel.Cancel.RunId);
    }
}
