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
    private readonly Lock _gate = new();
    private readonly List<ProbeStep> _steps = [];
    private readonly List<TranscriptEntry> _transcript = [];
    private readonly Guid _runId = run.Id;
    private readonly Guid _probeId = run.ProbeId;
    private readonly string _agentId = run.Agent.Id;
    private readonly TaskCompletionSource _endStoreSettled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RunRecord _current = run;

    /// <summary>True once <see cref="EndedAsync"/> stored the end (storage refuses a run that already ended elsewhere).</summary>
    public bool EndStored { get; private set; }

    /// <summary>Completes once this run's end has been through storage, stored or not (see <see cref="EndStoreDone"/>).</summary>
    public Task EndStoreSettled => _endStoreSettled.Task;

    public RunRecord Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public void OnStep(ProbeStep step)
    {
        lock (_gate)
        {
            _steps.Add(step);
        }

        metrics.Step(step);
        bus.Publish(_probeId, ProbeEvent.Step, ProbeEvent.StepData(_runId, _agentId, step));
    }

    public void OnTranscript(TranscriptEntry entry)
    {
        lock (_gate)
        {
            _transcript.Add(entry);
        }

        bus.Publish(_probeId, ProbeEvent.Transcript, ProbeEvent.TranscriptData(_runId, _agentId, entry));
    }

    /// <summary>
    /// Marks the run running. The write is queued, not awaited: it is on the path of every probe, and storage
    /// applies writes in order, so the run's end (which also carries the start time) always lands after it.
    /// </summary>
    public void Started()
    {
        var at = StoredTime.Now(time);
        lock (_gate)
        {
            _current = _current with { Status = RunStatus.Running, StartedAt = at };
        }

        _ = store.MarkRunStartedAsync(_runId, at, CancellationToken.None);
        bus.Publish(_probeId, ProbeEvent.Run, ProbeViews.From(Current, withDetail: false));
    }

    /// <summary>Called once the attempt to store the end is over, whatever its outcome.</summary>
    public void EndStoreDone() => _endStoreSettled.TrySetResult();

    public async Task EndedAsync(RunStatus status, ProbeResult? result, Diagnosis? diagnosis, ProbeEnd? probeEnd)
    {
        RunRecord ended;
        lock (_gate)
        {
            ended = _current = _current with
            {
                Status = status,
                EndedAt = StoredTime.Now(time),
                Result = result,
                Diagnosis = diagnosis,
                // Only a run without a result shows what was seen so far; a result carries its own.
                Steps = result is null ? [.. _steps] : [],
                Transcript = result is null ? [.. _transcript] : [],
            };
        }

        // Storage first: a client that sees the event and then GETs the probe must find the same state.
        EndStored = await store.EndRunAsync(ended, probeEnd, CancellationToken.None);
        metrics.RunEnded(status, result?.Verdict);
        bus.Publish(_probeId, ProbeEvent.Run, ProbeViews.From(ended, withDetail: false));
    }
}
