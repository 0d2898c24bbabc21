using System.Diagnostics;

namespace SmtpProbeHub.Benchmarks.Throughput;

/// <summary>Runs an operation from <c>concurrency</c> workers in a closed loop for a while and counts completions per second.</summary>
internal static class RateMeter
{
    /// <summary>The rate of the timed pass, and how many operations ran in all (the untimed warm-up pass included).</summary>
    public static async Task<(double Rate, long Operations)> MeasureAsync(int concurrency, TimeSpan duration, Func<Task> operation)
    {
        // A short untimed pass first: connections, JIT and pools at this concurrency.
        var (warm, _) = await LoopAsync(concurrency, TimeSpan.FromMilliseconds(Math.Min(1000, duration.TotalMilliseconds / 4)), operation);
        var (completed, elapsed) = await LoopAsync(concurrency, duration, operation);
        return (completed / elapsed.TotalSeconds, warm + completed);
    }

    private static async Task<(long Completed, TimeSpan Elapsed)> LoopAsync(int concurrency, TimeSpan duration, Func<Task> operation)
    {
        long completed = 0;
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                await operation();
                Interlocked.Increment(ref completed);
            }
        }));
        await Task.WhenAll(workers);
        // Elapsed until the last in-flight operation ended: every counted completion happened within it.
        return (completed, Stopwatch.GetElapsedTime(started));
    }
}
