namespace SmtpProbeHub.Benchmarks.Harness;

/// <summary>Reads some processes' RSS every <c>interval</c> until stopped: each one's peak.</summary>
internal sealed class PeakRss : IAsyncDisposable
{
    private readonly int[] _pids;
    private readonly double[] _peaks;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public PeakRss(IEnumerable<int> pids, TimeSpan interval)
    {
        _pids = [.. pids];
        _peaks = new double[_pids.Length];
        _sampling = SampleAsync(interval);
    }

    /// <summary>The peak RSS in bytes of the process at <paramref name="index"/> (in the order given), once stopped.</summary>
    public double Peak(int index) => _peaks[index];

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        Sample();
    }

    private async Task SampleAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                Sample();
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Sample()
    {
        for (var i = 0; i < _pids.Length; i++)
        {
            var rss = ProcStats.RssBytes(_pids[i]);
            if (rss > _peaks[i])
            {
                _peaks[i] = rss;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }
}
