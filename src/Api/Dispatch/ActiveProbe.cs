using SmtpProbeHub.Api.Storage;

namespace SmtpProbeHub.Api.Dispatch;

/// <summary>A probe with runs still in flight in this process, and the recorders that hold its runs' state.</summary>
internal sealed class ActiveProbe(ProbeRecord record)
{
    private int _remaining = record.Runs.Count;

    /// <summary>
    /// Completes when the probe's row has committed. A run connects to nothing before: a probe that could not be
    /// recorded is refused (503), and no SMTP server ever sees a connection for it.
    /// </summary>
    public Task Stored { get; set; } = Task.CompletedTask;

    public Guid Id => Record.Id;

    /// <summary>The probe as accepted (runs queued).</summary>
    public ProbeRecord Record { get; } = record;

    /// <summary>One per run, in the runs' order; filled by SubmitAsync before any run starts.</summary>
    public List<RunRecorder> Recorders { get; } = new(record.Runs.Count);

    /// <summary>Cancelled by POST …/cancel.</summary>
    public CancellationTokenSource Cancel { get; } = new();

    /// <summary>Set, with the final probe, once every run has ended and the probe's final state is stored.</summary>
    public TaskCompletionSource<ProbeRecord> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Read by StopAsync while SubmitAsync may still add: a concurrent collection.</summary>
    public System.Collections.Concurrent.ConcurrentBag<Task> RunTasks { get; } = [];

    /// <summary>The probe as it stands now: every run's latest state from its recorder.</summary>
    public ProbeRecord Snapshot() => Record with { Runs = [.. Recorders.Select(r => r.Current)] };

    /// <summary>True when this was the last run to end.</summary>
    public bool RunEnded() => Interlocked.Decrement(ref _remaining) == 0;
}
