using System.Diagnostics;
using SmtpProbeHub.Benchmarks.Fleet;
using SmtpProbeHub.Benchmarks.Footprint;
using SmtpProbeHub.Benchmarks.Inflight;
using SmtpProbeHub.Benchmarks.Latency;
using SmtpProbeHub.Benchmarks.Micro;
using SmtpProbeHub.Benchmarks.Throughput;

namespace SmtpProbeHub.Benchmarks.Harness;

/// <summary>
/// Runs the selected sections in order and writes their reports (latest, inflight, or smoke: see
/// <see cref="BenchSettings.ReportName"/>); a report is written only when one of its sections ran, so the others'
/// committed results stay. A section that fails is reported as such and the others still run; the exit code is
/// non-zero when any section failed (the harness itself is broken).
/// </summary>
internal static class BenchCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var settings = BenchSettings.Parse(args);
        var reports = new Dictionary<string, (BenchReport Report, DateTimeOffset Started)>();
        BenchReport ReportFor(string section)
        {
            var name = settings.ReportName(section);
            if (!reports.TryGetValue(name, out var entry))
            {
                entry = (NewReport(settings), DateTimeOffset.UtcNow);
                reports[name] = entry;
            }

            return entry.Report;
        }

        var sections = new (string Name, Func<BenchReport, Task> Run)[]
        {
            ("latency", report => LatencyBench.RunAsync(settings, report)),
            ("throughput", report => ThroughputBench.RunAsync(settings, report)),
            ("fleet", report => FleetBench.RunAsync(settings, report)),
            ("footprint", report => FootprintBench.RunAsync(settings, report)),
            ("micro", report => MicroBench.RunAsync(settings, report)),
            ("inflight", report => InflightBench.RunAsync(settings, report)),
            ("monitors", report => Monitors.MonitorsBench.RunAsync(settings, report)),
            ("replicas", report => Replicas.ReplicasBench.RunAsync(settings, report)),
        };
        var failed = new List<string>();
        foreach (var (name, run) in sections.Where(s => settings.Sections.Contains(s.Name)))
        {
            var report = ReportFor(name);
            Console.WriteLine($"== {name} (load average {ProcStats.LoadAverage()})");
            var watch = Stopwatch.StartNew();
            try
            {
                await run(report);
            }
            catch (Exception e)
            {
                failed.Add(name);
                report.Note($"Section {name} FAILED: {e.GetType().Name}: {e.Message}");
                Console.Error.WriteLine(e);
            }

            Console.WriteLine($"== {name} took {watch.Elapsed.TotalSeconds:0} s");
            report.Environment["load average at end"] = ProcStats.LoadAverage();
        }

        foreach (var (name, (report, started)) in reports)
        {
            report.Write(settings.OutputDirectory, name, started, settings.Smoke);
        }

        try
        {
            Directory.Delete(Path.Combine(settings.OutputDirectory, "tmp", "run"), recursive: true);
        }
        catch (IOException)
        {
        }

        var written = string.Join(", ", reports.Keys.Select(name => Path.Combine(settings.OutputDirectory, name) + ".json/.md"));
        Console.WriteLine($"Wrote {written}; {(failed.Count == 0 ? "all sections ran" : "FAILED: " + string.Join(", ", failed))}");
        return failed.Count == 0 ? 0 : 1;
    }

    private static BenchReport NewReport(BenchSettings settings)
    {
        var report = new BenchReport();
        report.Environment["cores"] = Environment.ProcessorCount.ToString();
        report.Environment["load average at start"] = ProcStats.LoadAverage();
        report.Environment[".NET"] = Environment.Version.ToString();
        report.Environment["agent binary"] = Path.GetRelativePath(settings.RepoRoot, settings.AgentPath);
        foreach (var name in new[] { "BENCH_AGENT_ENV", "BENCH_HUB_ENV", "BENCH_HUB_DATA_ROOT", "BENCH_CONCURRENCY", "BENCH_FLEET", "BENCH_INFLIGHT", "BENCH_INFLIGHT_SETUP" })
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                report.Environment[name] = value;
            }
        }

        return report;
    }
}
