namespace SmtpProbeHub.Benchmarks.Harness;

/// <summary>Nearest-rank percentiles of a sample (no interpolation: every figure reported was measured).</summary>
internal static class Percentiles
{
    public static double Of(IReadOnlyList<double> sample, double percentile)
    {
        if (sample.Count == 0)
        {
            return double.NaN;
        }

        var sorted = sample.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyList<double> sample) => Of(sample, 50);
}
