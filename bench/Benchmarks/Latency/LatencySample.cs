using SmtpProbeHub.Benchmarks.Harness;

namespace SmtpProbeHub.Benchmarks.Latency;

/// <summary>Times <paramref name="probe"/> sequentially after a warm-up; every probe must succeed.</summary>
internal static class LatencySample
{
    public static async Task<List<double>> TakeAsync(int warmup, int count, Func<Task<double>> probe)
    {
        for (var i = 0; i < warmup; i++)
        {
            await probe();
        }

        var sample = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            sample.Add(await probe());
        }

        return sample;
    }

    public static async Task<double> TimeAsync(Func<Task> action)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await action();
        return System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    /// <summary>Adds p50 and p99 of <paramref name="sample"/>, as ratios to the floor's p50 and p99.</summary>
    public static void Report(BenchReport report, string name, List<double> sample, List<double>? floor, string? note = null)
    {
        const string section = "1. Latency of one probe (KB sequence, local Postfix)";
        report.Add(new Measurement(section, $"{name} p50", Percentiles.Of(sample, 50), "ms", floor is null ? null : "raw p50", floor is null ? null : Percentiles.Of(floor, 50), note));
        report.Add(new Measurement(section, $"{name} p99", Percentiles.Of(sample, 99), "ms", floor is null ? null : "raw p99", floor is null ? null : Percentiles.Of(floor, 99)));
    }
}
