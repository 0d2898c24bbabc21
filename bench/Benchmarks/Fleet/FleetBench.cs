using System.Collections.Concurrent;
using System.Diagnostics;
using SmtpProbeHub.Benchmarks.Harness;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Processes;

namespace SmtpProbeHub.Benchmarks.Fleet;

/// <summary>
/// Section 3: one load process (this one) opens N agent streams to a real hub process — hello, heartbeats,
/// canned results — and measures the hub's memory and CPU at rest, and the time to fan one probe out to
/// 1,000 agents and collect every result (REST ?wait answers 200 with all runs completed).
/// </summary>
internal static class FleetBench
{
    private const string Section = "3. Fleet size (simulated agents, one stream and connection each)";

    private static async Task<double> CpuAtRestAsync(HubProcess hub, TimeSpan rest)
    {
        var before = ProcStats.CpuSeconds(hub.Process.Id);
        var watch = Stopwatch.StartNew();
        await Task.Delay(rest);
        return (ProcStats.CpuSeconds(hub.Process.Id) - before) / watch.Elapsed.TotalSeconds;
    }

    public static async Task RunAsync(BenchSettings settings, BenchReport report)
    {
        await using var hub = await BenchHub.StartAsync(settings, localAgent: false);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var cpu0 = await CpuAtRestAsync(hub, settings.FleetRest);
        var rss0 = ProcStats.RssBytes(hub.Process.Id);
        var private0 = ProcStats.PrivateDirtyBytes(hub.Process.Id);
        report.Add(new Measurement(Section, "hub RSS with no agent", ProcStats.Mb(rss0), "MB"));
        report.Add(new Measurement(Section, "hub CPU at rest with no agent", cpu0 * 100, "% of one core"));
        (int N, double Rss)? previous = null;
        var agents = new ConcurrentBag<SimulatedAgent>();
        var fanBody = BenchHub.ProbeBody("127.0.0.1", 25, new { labels = new Dictionary<string, string> { ["fan"] = "1" } });
        try
        {
            foreach (var n in settings.FleetSizes)
            {
                var connectWatch = Stopwatch.StartNew();
                await Parallel.ForEachAsync(Enumerable.Range(agents.Count, n - agents.Count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
                {
                    var labels = new Dictionary<string, string> { ["fleet"] = "sim", ["fan"] = i < settings.FanOut ? "1" : "0" };
                    agents.Add(await SimulatedAgent.ConnectAsync(hub.GrpcUrl, BenchHub.AgentToken, $"sim-{i:D5}", labels, ct));
                });
                report.Add(new Measurement(Section, $"N={n}: time to connect the fleet", connectWatch.Elapsed.TotalSeconds, "s", Note: "hello → welcome, 32 at a time"));

                await Task.Delay(TimeSpan.FromSeconds(3));
                var cpu = await CpuAtRestAsync(hub, settings.FleetRest);
                var rss = ProcStats.RssBytes(hub.Process.Id);
                var heldPrivately = ProcStats.PrivateDirtyBytes(hub.Process.Id);
                var perAgentKb = (rss - rss0) / n / 1024;
                report.Add(new Measurement(Section, $"N={n}: hub RSS at rest", ProcStats.Mb(rss), "MB", "no agent", ProcStats.Mb(rss0)));
                // The hub's /metrics has its own registry (no .NET runtime gauges), so the managed heap is read as the
                // process's private dirty memory: GC heap, native buffers and JIT code, without shared file pages.
                report.Add(new Measurement(Section, $"N={n}: hub private dirty memory at rest", ProcStats.Mb(heldPrivately), "MB", "no agent", ProcStats.Mb(private0), "GC heap + native buffers"));
                report.Add(new Measurement(Section, $"N={n}: hub RSS per connected agent", perAgentKb, "KB", Note: "(RSS − RSS with no agent) / N"));
                if (previous is { } p)
                {
                    report.Add(new Measurement(Section, $"N={p.N}→{n}: hub RSS per added agent", (rss - p.Rss) / (n - p.N) / 1024, "KB", Note: "slope between the two fleet sizes"));
                }

                previous = (n, rss);
                report.Add(new Measurement(Section, $"N={n}: hub CPU at rest", cpu * 100, "% of one core", "no agent", cpu0 * 100, $"heartbeats every 5 s, over {settings.FleetRest.TotalSeconds:0} s"));
                report.Goal($"hub memory per connected agent, N={n}", "≤ 100 KB", $"{perAgentKb:0.0} KB", perAgentKb <= 100);

                var fanOut = new List<double>();
                for (var r = 0; r < settings.FanOutRepeats; r++)
                {
                    fanOut.Add(await hub.Client.TimeProbeAsync(fanBody, waitSeconds: 120, expectedRuns: settings.FanOut));
                }

                report.Add(new Measurement(Section, $"N={n}: fan-out to {settings.FanOut} agents and back, first", fanOut[0], "ms"));
                report.Add(new Measurement(Section, $"N={n}: fan-out to {settings.FanOut} agents and back, median of {fanOut.Count}", Percentiles.Median(fanOut), "ms"));
                report.Goal($"fan-out to {settings.FanOut} agents and back, N={n} (median)", "≤ 2,000 ms", $"{Percentiles.Median(fanOut):0} ms", Percentiles.Median(fanOut) <= 2000);
            }
        }
        finally
        {
            await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (a, _) => await a.DisposeAsync());
        }
    }
}
