using Microsoft.Extensions.DependencyInjection;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Api.Tests.Support;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Tests.Storage;

/// <summary>Storage's one writer queues writes and commits them in batches; a write that fails must fail alone and whole.</summary>
public sealed class WriteQueueTests
{
    private static readonly AgentRef Agent = new("hub", "hub", new Dictionary<string, string>());

    [Fact]
    public async Task WriteFailingHalfway_LeavesNothingOfItself_AndTheWritesAroundItAreStored()
    {
        await using var hub = new HubFactory(new FakeRunner());
        _ = hub.CreateClient();
        var store = hub.Services.GetRequiredService<IProbeStore>();
        var ct = TestContext.Current.CancellationToken;
        var taken = Guid.CreateVersion7();
        var first = Probe(taken);
        // Its probe row would insert, then its run collides with the first probe's run id: the write fails halfway.
        var broken = Probe(taken);
        var last = Probe(Guid.CreateVersion7());

        // Queued together, so they can share a batch (and a transaction) with the failing one.
        var writes = new[] { store.CreateAsync(first, ct), store.CreateAsync(broken, ct), store.CreateAsync(last, ct) };
        await writes[0];
        await Assert.ThrowsAnyAsync<Exception>(() => writes[1]);
        await writes[2];

        Assert.NotNull(await store.GetAsync(first.Id, ct));
        Assert.Null(await store.GetAsync(broken.Id, ct));
        Assert.NotNull(await store.GetAsync(last.Id, ct));
    }

    [Fact]
    public async Task WritesQueuedWithoutWaiting_ApplyInOrder()
    {
        await using var hub = new HubFactory(new FakeRunner());
        _ = hub.CreateClient();
        var store = hub.Services.GetRequiredService<IProbeStore>();
        var ct = TestContext.Current.CancellationToken;
        var probe = Probe(Guid.CreateVersion7());
        var run = probe.Runs[0];
        var started = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        // Nothing awaited until the end, as the dispatcher does: the start must land after the create, the end after both.
        var created = store.CreateAsync(probe, ct);
        var marked = store.MarkRunStartedAsync(run.Id, started, ct);
        var ended = store.EndRunAsync(run with { Status = RunStatus.Canceled, StartedAt = null, EndedAt = started.AddSeconds(1) }, ct);
        await Task.WhenAll(created, marked, ended);

        Assert.True(await ended);
        var stored = (await store.GetAsync(probe.Id, ct))!.Runs[0];
        Assert.Equal(RunStatus.Canceled, stored.Status);
        Assert.Equal(started, stored.StartedAt);
    }

    private static ProbeRecord Probe(Guid runId)
    {
        var id = Guid.CreateVersion7();
        return new ProbeRecord
        {
            Id = id,
            CreatedAt = DateTimeOffset.UtcNow,
            Status = ProbeStatus.Running,
            Plan = new ProbePlan { To = ["a@corp.test"] },
            Runs = [new RunRecord { Id = runId, ProbeId = id, Ordinal = 0, Agent = Agent, Status = RunStatus.Queued }],
        };
    }
}
