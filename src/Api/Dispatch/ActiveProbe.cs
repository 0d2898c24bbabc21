namespace SmtpProbeHub.Api.Dispatch;

/// <summary>A probe with runs still in flight in this process.</summary>
internal sealed class ActiveProbe(Guid id, int runs)
{
    private int remaining = runs;

    public Guid Id { get; } = id;

    /// <summary>Cancelled by POST …/cancel.</summary>
    public CancellationTokenSource Cancel { get; } = new();

    /// <summary>Set once every run has ended and the probe's final state is stored.</summary>
    public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Read by StopAsync while SubmitAsync may still add: a concurrent collection.</summary>
    public System.Collections.Concurrent.ConcurrentBag<Task> RunTasks { get; } = [];

    /// <summary>True when this was the last run to end.</summary>
    public bool RunEnded() => Interlocked.Decrement(ref remaining) == 0;
}
