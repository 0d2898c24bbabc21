using System.Globalization;

namespace SmtpProbeHub.Benchmarks.Harness;

/// <summary>Memory and CPU of another process, read from /proc (Linux).</summary>
internal static class ProcStats
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux x86-64

    /// <summary>Resident set size in bytes (VmRSS), or NaN when the process is gone.</summary>
    public static double RssBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                    return double.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return double.NaN;
    }

    /// <summary>
    /// Private dirty bytes (smaps_rollup): memory only this process holds and the kernel cannot drop, unlike RSS,
    /// which also counts clean file-backed pages of mapped code that are shared or reclaimable.
    /// </summary>
    public static double PrivateDirtyBytes(int pid)
    {
        try
        {
            return File.ReadLines($"/proc/{pid}/smaps_rollup")
                .Where(l => l.StartsWith("Private_Dirty:", StringComparison.Ordinal))
                .Sum(l => double.Parse(l["Private_Dirty:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary>CPU seconds used so far (user + system).</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = double.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = double.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime + stime) / ClockTicksPerSecond;
    }

    /// <summary>The 1-minute load average, as `uptime` shows it.</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    public static double Mb(double bytes) => bytes / (1024 * 1024);
}
