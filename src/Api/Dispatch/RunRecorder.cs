using SmtpProbeHub.Api.Events;
using SmtpProbeHub.Api.Operations;
using SmtpProbeHub.Api.Probes;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Dispatch;

/// <summary>
/// The one sink of a run: every agent (local or remote) reports progress here, and this writes it to
/// the live event bus, the metrics and, when the run ends, storage. Keeps the steps and transcript seen
/// so far so a run that ends without a result still shows how far it got.
/// </summary>
internal sealed class RunRecorder(RunRecord run, IProbeStore store, ProbeEventBus bus, HubMetrics metrics, TimeProvider time) : IProbeObserver
{
    private readonly Lock gate = new();
    private readonly List<ProbeStep> steps = [];
    private readonly List<TranscriptEntry> transcript = [];
    private readonly Guid runId = run.Id;
    private readonly Guid probeId = run.ProbeId;
    private readonly string agentId = run.Agent.Id;
    private readonly TaskCompletionSource endStoreSettled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RunRecord current = run;

    /// <summary>True once <see cref="EndedAsync"/> stored the end (storage refuses a run that already ended elsewhere).</summary>
    public bool EndStored { get; private set; }

    /// <summary>Completes once this run's end has been through storage, stored or not (see <see cref="EndStoreDone"/>).</summary>
    public Task EndStoreSettled => endStoreSettled.Task;

    public RunRecord Current
    {
        get
        {
            lock (gate)
            {
                return current;
            }
        }
    }

    public void OnStep(ProbeStep step)
    {
        lock (gate)
        {
            steps.Add(step);
        }

        metrics.Step(step);
        bus.Publish(probeId, ProbeEvent.Step, new { runId, agentId, step });
    }

    public void OnTranscript(TranscriptEntry entry)
    {
        lock (gate)
        {
            transcript.Add(entry);
        }

        bus.Publish(probeId, ProbeEvent.Transcript, new { runId, agentId, entry });
    }

    /// <summary>
    /// Marks the run running. The write is queued, not awaited: it is on the path of every probe, and storage
    /// applies writes in order, so the run's end (which also carries the start time) always lands after it.
    /// </summary>
    public void Started()
    {
        var at = StoredTime.Now(time);
        lock (gate)
        {
            current = current with { Status = RunStatus.Running, StartedAt = at };
        }

        _ = store.MarkRunStartedAsync(runId, at, CancellationToken.None);
        bus.Publish(probeId, ProbeEvent.Run, ProbeViews.From(Current, withDetail: false));
    }

    /// <summary>Called once the attempt to store the end is over, whatever its outcome.</summary>
    public void EndStoreDone() => endStoreSettled.TrySetResult();

    public async Task EndedAsync(RunStatus status, ProbeResult? result, Diagnosis? diagnosis, ProbeEnd? probeEnd)
    {
        RunRecord ended;
        lock (gate)
        {
            ended = current = current with
            {
                Status = status,
                EndedAt = StoredTime.Now(time),
                Result = result,
                Diagnosis = diagnosis,
                Steps = [.. steps],
                Transcript = [.. transcript],
            };
        }

        // Storage first: a client that sees the event and then GETs the probe must find the same state.
        EndStored = await store.EndRunAsync(ended, probeEnd, CancellationToken.None);
        metrics.RunEnded(status, result?.Verdict);
        bus.Publish(probeId, ProbeEvent.Run, ProbeViews.From(ended, withDetail: false));
    }
}
