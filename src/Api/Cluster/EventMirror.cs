using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Events;
using SmtpProbeHub.Api.Probes;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Api.Storage.Database;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Cluster;

/// <summary>
/// The live events of the probes this replica owns, copied to the database in order, and followed from there by
/// readers on other replicas: an SSE client that a load balancer sends to replica C for a probe running on replica A
/// sees the same events with the same ids, so <c>Last-Event-ID</c> resumes across replicas.
/// </summary>
internal sealed partial class EventMirror(
    IClusterStore cluster,
    IProbeStore store,
    ClusterSignals signals,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    IOptions<EventsOptions> events,
    ILogger<EventMirror> logger)
{
    /// <summary>Polls, heartbeats and graces are real time, whatever clock the hub's probes run on.</summary>
    private static readonly TimeProvider Clock = TimeProvider.System;

    /// <summary>True when a reader here should follow the mirrored events: the probe runs elsewhere, or ran on a replica.</summary>
    public async Task<bool> FollowsAsync(ProbeRecord probe, CancellationToken cancellationToken) =>
        probe.Status == ProbeStatus.Running || await cluster.HasEventsAsync(probe.Id, cancellationToken);

    private readonly System.Collections.Concurrent.ConcurrentQueue<MirroredEvent> _pending = new();
    private readonly Lock _flushGate = new();
    private int _flushing;

    /// <summary>
    /// For <see cref="ProbeEventBus.Mirror"/> (called under the probe's log lock, so a probe's events queue in order): kept
    /// for a short moment and written together, one statement for many events, instead of one write per transcript line.
    /// A reader on another replica sees them at most <see cref="FlushDelay"/> later.
    /// </summary>
    public void Append(Guid probeId, ProbeEvent item)
    {
        _pending.Enqueue(new MirroredEvent(probeId, item.Sequence, item.Type, JsonSerializer.Serialize(item.Data, item.Data.GetType(), json.Value.SerializerOptions)));
        if (Interlocked.Exchange(ref _flushing, 1) == 0)
        {
            _ = FlushSoonAsync();
        }
    }

    private static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>How long a stored end may go without its mirrored end event before the owner counts as gone.</summary>
    private static readonly TimeSpan OwnerGoneGrace = TimeSpan.FromSeconds(5);

    private async Task FlushSoonAsync()
    {
        // Real time, whatever clock the hub runs on: a batching delay, not a schedule.
        await Task.Delay(FlushDelay, TimeProvider.System).ConfigureAwait(false);
        var batch = new List<MirroredEvent>();
        Task written;
        lock (_flushGate)
        {
            Volatile.Write(ref _flushing, 0);
            while (_pending.TryDequeue(out var item))
            {
                batch.Add(item);
            }

            if (batch.Count == 0)
            {
                return;
            }

            // Taken and queued under one lock: two flushes never queue their writes out of order (the store applies
            // writes in the order they were queued).
            written = cluster.AppendEventsAsync(batch, CancellationToken.None);
        }

        try
        {
            await written;
        }
        catch (Exception ex)
        {
            LogMirrorFailed(batch[0].ProbeId, ex.Message);
        }
    }

    /// <summary>
    /// The events after <paramref name="after"/> of a probe another replica runs, then each new one until <c>end</c>. If its
    /// owner dies before the end, the sweep ends the probe in storage and the stream closes with that stored end.
    /// </summary>
    public async IAsyncEnumerable<SseItem<object>> FollowAsync(Guid probeId, long after, Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = HotPathSql.Key(probeId);
        var idleSince = Clock.GetUtcNow();
        var checkedAt = DateTimeOffset.MinValue;
        DateTimeOffset? endedSince = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var item in await cluster.EventsAsync(probeId, after, cancellationToken))
            {
                after = item.Seq;
                idleSince = Clock.GetUtcNow();
                yield return new SseItem<object>(JsonDocument.Parse(item.DataJson).RootElement, item.Type) { EventId = item.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                if (item.Type == ProbeEvent.End)
                {
                    yield break;
                }
            }

            if (Clock.GetUtcNow() - checkedAt > TimeSpan.FromSeconds(1))
            {
                checkedAt = Clock.GetUtcNow();
                if (await store.GetAsync(probeId, cancellationToken) is { Status: not ProbeStatus.Running } ended)
                {
                    // The owner stores the probe's end before its last events reach the database (they are flushed a moment
                    // later), so a stored end alone is no reason to stop: only when no end event follows within the grace
                    // (its owner was swept) is the stored probe the end.
                    endedSince ??= Clock.GetUtcNow();
                    if (Clock.GetUtcNow() - endedSince > OwnerGoneGrace && (await cluster.EventsAsync(probeId, after, cancellationToken)).Count == 0)
                    {
                        yield return new SseItem<object>(ProbeViews.From(ended), ProbeEvent.End) { EventId = (after + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) };
                        yield break;
                    }
                }
            }

            if (Clock.GetUtcNow() - idleSince > TimeSpan.FromSeconds(events.Value.HeartbeatSeconds))
            {
                // Between two items (the formatter asks for the next only after writing the last): a comment is safe here.
                idleSince = Clock.GetUtcNow();
                await body.WriteAsync(Encoding.UTF8.GetBytes($": heartbeat {Clock.GetUtcNow():O}\n\n"), cancellationToken);
                await body.FlushAsync(cancellationToken);
            }

            await signals.WaitAsync(ClusterChannels.Events, key, cancellationToken);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Copying an event of probe {ProbeId} for the other replicas failed ({Reason}); their readers see it at the end")]
    private partial void LogMirrorFailed(Guid probeId, string reason);
}
