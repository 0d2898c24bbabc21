using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Agents;

/// <summary>A run's time budget starts when it leaves the queue; waiting in the queue has its own bound.</summary>
public sealed class QueueAndBudgetTests
{
    private static AgentRegistration Connect(HubFactory hub, IProbeAgent agent) =>
        hub.Services.GetRequiredService<AgentRegistry>().Register(agent, new AgentConnection("test-1.0", "192.0.2.10"));

    [Fact]
    public async Task ARunQueuedBehindABusyAgent_GetsItsWholeBudget_WhenItStarts()
    {
        // The hub's clock is the test's: the queue wait is 3 s of it, whatever the machine's speed.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var hub = new HubFactory(new FakeRunner(), new() { ["Hub:Dispatch:DeadlineGraceSeconds"] = "0", ["Hub:LocalAgent:Enabled"] = "false" })
        {
            ExtraServices = services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(clock);
            },
        };
        var client = hub.CreateClient();
        var agent = new TestAgent("busy", capacity: 1) { Hold = true };
        Connect(hub, agent);

        var first = (await (await client.PostJsonAsync("/api/v1/probes", """{"to":["alice@corp.test"],"timeouts":{"totalSeconds":30}}""")).JsonAsync()).GetProperty("id").GetString()!;
        await agent.NextStartAsync();
        // Its own budget is 2 s; it waits longer than that behind the first (the agent holds its one slot until released).
        var second = (await (await client.PostJsonAsync("/api/v1/probes", """{"to":["alice@corp.test"],"timeouts":{"totalSeconds":2}}""")).JsonAsync()).GetProperty("id").GetString()!;
        clock.Advance(TimeSpan.FromSeconds(3));
        agent.Release();
        await agent.NextStartAsync();

        Assert.Equal("completed", (await client.WaitForEndAsync(first)).GetProperty("runs")[0].GetProperty("status").GetString());
        var queued = (await client.WaitForEndAsync(second)).GetProperty("runs")[0];
        Assert.Equal("completed", queued.GetProperty("status").GetString());
        Assert.Equal(2, agent.Started);
    }

    [Fact]
    public async Task ARunThatWaitsLongerThanTheQueueTimeout_EndsQueueTimedOut_WithoutStarting()
    {
        await using var hub = new HubFactory(new FakeRunner(), new() { ["Hub:Dispatch:QueueTimeoutSeconds"] = "1", ["Hub:LocalAgent:Enabled"] = "false" });
        var client = hub.CreateClient();
        var agent = new TestAgent("busy", capacity: 1) { Hold = true };
        Connect(hub, agent);

        await client.PostJsonAsync("/api/v1/probes", """{"to":["alice@corp.test"]}""");
        var waiting = (await (await client.PostJsonAsync("/api/v1/probes", """{"to":["alice@corp.test"]}""")).JsonAsync()).GetProperty("id").GetString()!;

        var run = (await client.WaitForEndAsync(waiting)).GetProperty("runs")[0];
        Assert.Equal("queueTimedOut", run.GetProperty("status").GetString());
        Assert.Equal("run.queue_timed_out", run.GetProperty("diagnosis").GetProperty("code").GetString());
        Assert.Equal(1, agent.Started);
        agent.Release();
    }
}
