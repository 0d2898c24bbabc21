namespace SmtpProbeHub.Agent.Worker;

/// <summary>A run in flight and the means to stop it.</summary>
internal sealed class ActiveRun(string id, CancellationTokenSource cts) : IDisposable
{
    private int _disposed;

    public string Id { get; } = id;

    public Task? Task { get; set; }

    /// <summary>Set before the token is cancelled, so a cancel is told apart from the deadline.</summary>
    public string? CancelReason { get; private set; }

    public CancellationToken Token { get; } = cts.Token;

    public void Cancel(string reason)
    {
        CancelReason ??= reason;
        try
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                cts.Cancel();
            }
        }
        catch (ObjectDisposedException)
        {
            // The run ended while the cancel was on its way: nothing left to stop.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            cts.Dispose();
        }
    }
}
