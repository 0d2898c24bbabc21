using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Tests.Support;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Tests.Agents;

public sealed class DispatchTests
{
    private static AgentRegistration Connect(HubFactory hub, IProbeAgent agent, string address = "192.0.2.10") =>
        hub.Services.GetRequiredService<AgentRegistry>().Register(agent, new AgentConnection("test-1.0", address));

    [Fact]
    public async Task All_CreatesOneRunPerOnlineAgent()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();
        Connect(hub, new TestAgent("inside-1", new() { ["zone"] = "inside" }));
        Connect(hub, new TestAgent("outside-1", new() { ["zone"] = "outside" }));

        var probe = await (await client.PostJsonAsync("/api/v1/probes?wait=10", """{"to":["alice@corp.test"],"agents":{"all":true}}""")).JsonAsync();

        var runs = probe.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(["hub", "inside-1", "outside-1"], runs.Select(r => r.GetProperty("agent").GetProperty("id").GetString()).Order());
        Assert.All(runs, r => Assert.Equal("completed", r.GetProperty("status").GetString()));
        Assert.NotEqual(runs[0].GetProperty("id").GetString(), runs[1].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Labels_PickOnlyAgentsWithEveryLabel()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();
        var outside = new TestAgent("outside-1", new() { ["zone"] = "outside", ["site"] = "fra" });
        Connect(hub, new TestAgent("inside-1", new() { ["zone"] = "inside", ["site"] = "fra" }));
        Connect(hub, outside);

        var probe = await (await client.PostJsonAsync("/api/v1/probes?wait=10", """{"to":["alice@corp.test"],"agents":{"labels":{"zone":"outside","site":"fra"}}}""")).JsonAsync();

        Assert.Equal("outside-1", Assert.Single(probe.GetProperty("runs").EnumerateArray()).GetProperty("agent").GetProperty("id").GetString());
        Assert.Equal(1, outside.Started);
    }

    [Fact]
    public async Task Ids_PickNamedAgents_AndOfflineAgentsAreNotPicked()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();
        Connect(hub, new TestAgent("a1"));
        Connect(hub, new TestAgent("a2")).Dispose();

        var ok = await client.PostJsonAsync("/api/v1/probes?wait=10", """{"to":["alice@corp.test"],"agents":{"ids":["a1"]}}""");
        var offline = await client.PostJsonAsync("/api/v1/probes", """{"to":["alice@corp.test"],"agents":{"ids":["a2"]}}""");

        Assert.Equal("a1", (await ok.JsonAsync()).GetProperty("runs")[0].GetProperty("agent").GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, offline.StatusCode);
    }

    [Fact]
    public async Task Default_WithoutBuiltInAgent_UsesOneOnlineRemoteAgent()
    {
        await using var hub = new HubFactory(new FakeRunner(), new() { ["Hub:LocalAgent:Enabled"] = "false" });
        var client = hub.CreateClient();
        Connect(hub, new TestAgent("remote-1"));

        var probe = await (await client.PostJsonAsync("/api/v1/probes?wait=10", """{"to":["alice@corp.test"]}""")).JsonAsync();

        Assert.Equal("remote-1", Assert.Single(probe.GetProperty("runs").EnumerateArray()).GetProperty("agent").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Capacity_RunsBeyondItWaitQueued()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();
        var agent = new TestAgent("slow", capacity: 1) { Hold = true };
        Connect(hub, agent);
        const string request = """{"to":["alice@corp.test"],"agents":{"ids":["slow"]}}""";

        var first = (await (await client.PostJsonAsync("/api/v1/probes", request)).JsonAsync()).GetProperty("id").GetString()!;
        await agent.NextStartAsync();
        var second = (await (await client.PostJsonAsync("/api/v1/probes", request)).JsonAsync()).GetProperty("id").GetString()!;
        var queued = await (await client.GetAsync($"/api/v1/probes/{second}", TestContext.Current.CancellationToken)).JsonAsync();

        Assert.Equal(1, agent.Started);
        Assert.Equal("queued", queued.GetProperty("runs")[0].GetProperty("status").GetString());
        agent.Release();
        Assert.Equal("completed", (await client.WaitForEndAsync(first)).GetProperty("status").GetString());
        Assert.Equal("completed", (await client.WaitForEndAsync(second)).GetProperty("status").GetString());
        Assert.Equal(1, agent.MaxConcurrent);
    }

    [Fact]
    public async Task Deadline_AgentThatNeverAnswers_RunEndsAsTimedOut()
    {
        await using var hub = new HubFactory(new FakeRunner(), new() { ["Hub:Dispatch:DeadlineGraceSeconds"] = "0" });
        var client = hub.CreateClient();
        Connect(hub, new TestAgent("mute") { Hold = true });

        var probe = await (await client.PostJsonAsync("/api/v1/probes?wait=10",
            """{"to":["alice@corp.test"],"agents":{"ids":["mute"]},"timeouts":{"totalSeconds":0.5}}""")).JsonAsync();

        var run = probe.GetProperty("runs")[0];
        Assert.Equal("timedOut", run.GetProperty("status").GetString());
        Assert.Equal("run.timed_out", run.GetProperty("diagnosis").GetProperty("code").GetString());
        Assert.Equal("completed", probe.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AgentGoingOffline_MidRun_RunEndsAsAgentLost_ThenALateResultIsStoredOnce()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();
        var agent = new TestAgent("flaky") { Hold = true };
        var registration = Connect(hub, agent);
        var id = (await (await client.PostJsonAsync("/api/v1/probes", """{"to":["alice@corp.test"],"agents":{"ids":["flaky"]}}""")).JsonAsync()).GetProperty("id").GetString()!;
        await agent.NextStartAsync();

        registration.Dispose();
        var lost = (await client.WaitForEndAsync(id)).GetProperty("runs")[0];

        Assert.Equal("agentLost", lost.GetProperty("status").GetString());
        Assert.Equal("agent.lost", lost.GetProperty("diagnosis").GetProperty("code").GetString());
        var dispatcher = hub.Services.GetRequiredService<ProbeDispatcher>();
        var runId = lost.GetProperty("id").GetGuid();
        var result = new ProbeResult { Verdict = Verdict.Passed, DurationMs = 3 };
        Assert.Equal(LateResult.NotThisAgents, await dispatcher.RecordLateResultAsync(runId, "someone-else", result, TestContext.Current.CancellationToken));
        Assert.Equal(LateResult.Stored, await dispatcher.RecordLateResultAsync(runId, "flaky", result, TestContext.Current.CancellationToken));
        Assert.Equal(LateResult.AlreadyEnded, await dispatcher.RecordLateResultAsync(runId, "flaky", result, TestContext.Current.CancellationToken));
        var after = await (await client.GetAsync($"/api/v1/probes/{id}", TestContext.Current.CancellationToken)).JsonAsync();
        Assert.Equal("completed", after.GetProperty("runs")[0].GetProperty("status").GetString());
        Assert.Equal("passed", after.GetProperty("runs")[0].GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Agents_ListsBuiltInAndRemoteAgentsWithTheirState()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();
        Connect(hub, new TestAgent("outside-1", new() { ["zone"] = "outside" }), "198.51.100.7");
        Connect(hub, new TestAgent("gone")).Dispose();

        var agents = (await (await client.GetAsync("/api/v1/agents", TestContext.Current.CancellationToken)).JsonAsync()).EnumerateArray().ToList();

        var hubAgent = agents.Single(a => a.GetProperty("id").GetString() == "hub");
        Assert.Equal("online", hubAgent.GetProperty("status").GetString());
        Assert.True(hubAgent.GetProperty("local").GetBoolean());
        var outside = agents.Single(a => a.GetProperty("id").GetString() == "outside-1");
        Assert.Equal("198.51.100.7", outside.GetProperty("remoteAddress").GetString());
        Assert.Equal("test-1.0", outside.GetProperty("version").GetString());
        Assert.Equal("outside", outside.GetProperty("labels").GetProperty("zone").GetString());
        Assert.Equal("offline", agents.Single(a => a.GetProperty("id").GetString() == "gone").GetProperty("status").GetString());
        Assert.Equal("gone", agents[^1].GetProperty("id").GetString());
    }
}
