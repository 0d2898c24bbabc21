using System.Text.Json;
using SmtpProbeHub.Api.Tests.Support;
using SmtpProbeHub.Contracts.Mapping;
using SmtpProbeHub.Contracts.V1;
using SmtpProbeHub.Probe.Model;
using Kind = SmtpProbeHub.Contracts.V1.HubMessage.KindOneofCase;

namespace SmtpProbeHub.Api.Tests.AgentHub;

/// <summary>An agent speaks for its own runs only: progress, results and rejections naming another agent's run are dropped and counted.</summary>
public sealed class ForeignRunTests : IDisposable
{
    private readonly HubFactory _hub = HubFactory.WithRemoteAgents();

    public void Dispose() => _hub.Dispose();

    private async Task<TestAgentClient> Connect(string name)
    {
        var agent = await TestAgentClient.ConnectAsync(_hub.Channel(), HubFactory.AgentToken, name, 2, ("zone", "outside"));
        await agent.NextAsync(Kind.Welcome);
        return agent;
    }

    private static ProbeResult Forged() => new()
    {
        Verdict = Verdict.Passed,
        DurationMs = 1,
        Transcript = [new TranscriptEntry(0, TranscriptDirection.Received, "250 forged by another agent")],
    };

    private async Task<double> DroppedAsync(string kind)
    {
        var metrics = await _hub.CreateClient().GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith($"smtpprobehub_agent_messages_dropped_total{{kind=\"{kind}\"}}", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task ResultAndProgressForAnotherAgentsRunInFlight_AreDropped_AndTheRunEndsWithItsOwnAgentsResult()
    {
        var http = _hub.CreateClient();
        await using var victim = await Connect("victim");
        await using var attacker = await Connect("attacker");
        var (_, probe) = await http.PostProbeAsync($$"""{"ids":["{{victim.Id}}"]}""");
        var runId = (await victim.NextAsync(Kind.Assignment)).Assignment.RunId;

        await attacker.SendAsync(new AgentMessage { Progress = ProbeWire.ToProgress(runId, new TranscriptEntry(1, TranscriptDirection.Received, "220 forged banner")) });
        await attacker.SendAsync(new AgentMessage { Result = ProbeWire.ToCompleted(runId, Forged(), DateTimeOffset.UtcNow) });
        await attacker.SendAsync(new AgentMessage { Rejected = new AssignmentRejected { RunId = runId, Reason = "forged rejection" } });
        Assert.Equal(runId, (await attacker.NextAsync(Kind.ResultAck)).ResultAck.RunId);

        var running = await http.WaitForRunAsync(probe.GetProperty("id").GetString()!, "running");
        Assert.DoesNotContain("forged", running.ToString());
        await victim.SendAsync(new AgentMessage { Result = ProbeWire.ToCompleted(runId, new ProbeResult { Verdict = Verdict.Failed, DurationMs = 2 }, DateTimeOffset.UtcNow) });
        var ended = await http.WaitForRunAsync(probe.GetProperty("id").GetString()!, "completed");
        Assert.Equal("failed", ended.GetProperty("verdict").GetString());
        Assert.DoesNotContain("forged", ended.ToString());
        Assert.Equal(1, await DroppedAsync("progress"));
        Assert.Equal(1, await DroppedAsync("result"));
        Assert.Equal(1, await DroppedAsync("rejected"));
        // One log line for the stream, not one per message.
        Assert.Single(_hub.Logs.Lines, l => l.Contains("attacker") && l.Contains("not assigned to it"));
    }

    [Fact]
    public async Task ResultForAnotherAgentsLostRun_IsNotStored_WhileTheAssignedAgentsLateResultIs()
    {
        var http = _hub.CreateClient();
        var victim = await Connect("victim");
        var victimId = victim.Id;
        var victimKey = victim.Key;
        await using var attacker = await Connect("attacker");
        var (_, probe) = await http.PostProbeAsync($$"""{"ids":["{{victimId}}"]}""");
        var probeId = probe.GetProperty("id").GetString()!;
        var runId = (await victim.NextAsync(Kind.Assignment)).Assignment.RunId;
        await victim.DisposeAsync();
        await http.WaitForRunAsync(probeId, "agentLost");

        await attacker.SendAsync(new AgentMessage { Result = ProbeWire.ToCompleted(runId, Forged(), DateTimeOffset.UtcNow) });
        await attacker.NextAsync(Kind.ResultAck);

        var lost = (await http.GetProbeAsync(probeId)).GetProperty("runs")[0];
        Assert.Equal("agentLost", lost.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, lost.GetProperty("verdict").ValueKind);
        Assert.Equal(1, await DroppedAsync("result"));

        // The agent it was assigned to delivers what it kept: that one is stored.
        await using var back = await TestAgentClient.ConnectAsync(_hub.Channel(), HubFactory.AgentToken, "victim", 2, 0, [("zone", "outside")], victimId, victimKey);
        await back.NextAsync(Kind.Welcome);
        await back.SendAsync(new AgentMessage { Result = ProbeWire.ToCompleted(runId, new ProbeResult { Verdict = Verdict.Passed, DurationMs = 3 }, DateTimeOffset.UtcNow) });
        await back.NextAsync(Kind.ResultAck);
        Assert.Equal("passed", (await http.WaitForRunAsync(probeId, "completed")).GetProperty("verdict").GetString());
    }
}
