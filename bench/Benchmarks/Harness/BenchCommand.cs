using System.Diagnostics;
using SmtpProbeHub.Benchmarks.Fleet;
using SmtpProbeHub.Benchmarks.Footprint;
using SmtpProbeHub.Benchmarks.Latency;
using SmtpProbeHub.Benchmarks.Micro;
using SmtpProbeHub.Benchmarks.Throughput;

namespace SmtpProbeHub.Benchmarks.Harness;

/// <summary>
/// Runs the selected sections in order and writes the report. A section that fails is reported as such and
/// the others still run; the exit code is non-zero when any section failed (the harness itself is broken).
/// </summary>
internal static class BenchCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var settings = BenchSettings.Parse(args);
        var report = new BenchReport();
        var started = DateTimeOffset.UtcNow;
        report.Environment["cores"] = Environment.ProcessorCount.ToString();
        report.Environment["load average at start"] = ProcStats.LoadAverage();
        report.Environment[".NET"] = Environment.Version.ToString();
        report.Environment["agent binary"] = Path.GetRelativePath(settings.RepoRoot, settings.AgentPath);
        foreach (var name in new[] { "BENCH_AGENT_ENV", "BENCH_HUB_ENV", "BENCH_HUB_DATA_ROOT", "BENCH_CONCURRENCY", "BENCH_FLEET" })
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                report.Environment[name] = value;
            }
        }

        var sections = new (string Name, Func<Task> Run)[]
        {
            ("latency", () => LatencyBench.RunAsync(settings, report)),
            ("throughput", () => ThroughputBench.RunAsync(settings, report)),
            ("fleet", () => FleetBench.RunAsync(settings, report)),
            ("footprint", () => FootprintBench.RunAsync(settings, report)),
            ("micro", () => MicroBench.RunAsync(settings, report)),
        };
        var failed = new List<string>();
        foreach (var (name, run) in sections.Where(s => settings.Sections.Contains(s.Name)))
        {
            Console.WriteLine($"== {name} (load average {ProcStats.LoadAverage()})");
            var watch = Stopwatch.StartNew();
            try
            {
                await run();
            }
            catch (Exception e)
            {
                failed.Add(name);
                report.Note($"Section {name} FAILED: {e.GetType().Name}: {e.Message}");
                Console.Error.WriteLine(e);
            }

            Console.WriteLine($"== {name} took {watch.Elapsed.TotalSeconds:0} s");
        }

        report.Environment["load average at end"] = ProcStats.LoadAverage();
        report.Write(settings.OutputDirectory, started, settings.Smoke);
        try
        {
            Directory.Delete(Path.Combine(settings.OutputDirectory, "tmp", "run"), recursive: true);
        }
        catch (IOException)
        {
        }

        Console.WriteLine($"Wrote {Path.Combine(settings.OutputDirectory, settings.Smoke ? "smoke" : "latest")}.json/.md; {(failed.Count == 0 ? "all sections ran" : "FAILED: " + string.Join(", ", failed))}");
        return failed.Count == 0 ? 0 : 1;
    }
}
