using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SmtpProbeHub.Benchmarks.Harness;
using SmtpProbeHub.Benchmarks.Smtp;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Processes;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.Benchmarks.Inflight;

/// <summary>
/// Section 6 (issue "Faults and limits"): 200, 2,000 and 10,000 probes submitted at once through REST (POST without
/// ?wait) against a sink that holds every connection 5 s before its 220 banner and then completes the KB dialog at once.
/// Each size on a fresh hub (and agents): the time until the last run ended against the ideal ceil(N / capacity) × 5 s,
/// hub and agent RSS peaks and RSS per probe in flight at that peak, and the runs by status — all should pass.
/// </summary>
internal static class InflightBench
{
    private const int SubmitParallelism = 64;
    /// <summary>Hub:Dispatch:QueueTimeoutSeconds, stated rather than raised: the shipped default, far above the 45 s the last wave waits ideally.</summary>
    private const int QueueTimeoutSeconds = 600;
    /// <summary>A run's longest possible life after its queue: the plan's default totalSeconds and the hub's deadline grace.</summary>
    private const int RunBudgetSeconds = 120 + 15;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(100);

    public static async Task RunAsync(BenchSettings settings, BenchReport report)
    {
        var section = $"6. Probes in flight (banner delayed {settings.InflightBannerDelay.TotalSeconds:0} s)";
        var setups = settings.InflightSetups;
        // Each connection is a descriptor at both ends (the sink here, the prober in the hub or an agent): the hub and agents
        // inherit this process's limit (the runtime raises its soft limit to the hard one; run.sh does the same for the shell).
        var openFiles = OpenFilesLimit();
        report.Environment["open files limit"] = openFiles.ToString(CultureInfo.InvariantCulture);
        var needed = 2 * setups.Max(s => s.TotalCapacity) + 1_000;
        if (openFiles < needed)
        {
            throw new InvalidOperationException($"the open files limit is {openFiles}, {needed} are needed: raise the hard limit (ulimit -Hn)");
        }

        await using var sink = await FastSink.StartAsync(bannerDelay: settings.InflightBannerDelay);
        await using var warmSink = await FastSink.StartAsync();
        foreach (var setup in setups)
        {
            foreach (var n in settings.InflightSizes)
            {
                await RunSizeAsync(settings, report, section, setup, n, sink, warmSink);
            }
        }

        report.Note($"In flight: {string.Join(" and ", setups.Select(s => s.Label))}; each size on a fresh hub and agents warmed by a few probes " +
            $"to a sink without delay, then N POSTs without ?wait, {SubmitParallelism} at a time; the end is polled once a second (GET ?status=running) " +
            "and the runs read from the probe list. RSS is read every 100 ms; memory per probe is (RSS peak − RSS before) / the most probes in " +
            $"flight at once (on the hub from the 202 to the run's end, on an agent while running). Connections at the sink count from accept to the sink's " +
            "own close, which it sees after the prober's: one more than the capacity is a close not yet seen. " +
            $"Hub:Dispatch:QueueTimeoutSeconds is {QueueTimeoutSeconds} (the default, not raised). Remote agents get the probes round-robin by label.");
    }

    private static async Task RunSizeAsync(BenchSettings settings, BenchReport report, string section, InflightSetup setup, int n, FastSink sink, FastSink warmSink)
    {
        var name = $"{setup.Label}, N={n.ToString("#,0", CultureInfo.InvariantCulture)}";
        var phases = Stopwatch.StartNew();
        var config = new Dictionary<string, string> { ["Hub:Dispatch:QueueTimeoutSeconds"] = QueueTimeoutSeconds.ToString(CultureInfo.InvariantCulture) };
        await using var hub = await BenchHub.StartAsync(settings, localAgent: setup.BuiltIn, localCapacity: setup.BuiltIn ? setup.CapacityPerAgent : 16, config);
        var agents = new List<ChildProcess>();
        try
        {
            for (var i = 0; i < setup.Agents; i++)
            {
                var (agent, _) = await AgentProcess.StartAsync(settings, settings.AgentPath, hub, AgentName(i),
                    new Dictionary<string, string> { ["lane"] = $"i{i}" }, setup.CapacityPerAgent);
                agents.Add(agent);
            }

            string Body(int port, int i) => BenchHub.ProbeBody("127.0.0.1", port, setup.BuiltIn
                ? new { ids = new[] { "hub" } }
                : (object)new { labels = new Dictionary<string, string> { ["lane"] = $"i{i % setup.Agents}" } });

            // Fresh processes JIT their request path on the first probes: warm them before the baseline is read.
            await Task.WhenAll(Enumerable.Range(0, settings.Smoke ? 2 : Math.Max(8, 2 * setup.Agents)).Select(i => hub.Client.TimeProbeAsync(Body(warmSink.Port, i))));
            await Task.Delay(TimeSpan.FromSeconds(1));
            Console.WriteLine($"  -- {name}: up and warm in {phases.Elapsed.TotalSeconds:0.0} s");
            int[] pids = [hub.Process.Id, .. agents.Select(a => a.Id)];
            var before = pids.Select(ProcStats.RssBytes).ToArray();
            var cpuBefore = pids.Select(ProcStats.CpuSeconds).ToArray();

            sink.ResetPeak();
            var ids = new string[n];
            var acceptedAt = new DateTimeOffset[n];
            await using var rss = new PeakRss(pids, SampleEvery);
            var load = ProcStats.LoadAverage();
            var start = DateTimeOffset.UtcNow;
            var watch = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = SubmitParallelism }, async (i, _) =>
            {
                ids[i] = await hub.Client.SubmitAsync(Body(sink.Port, i));
                acceptedAt[i] = DateTimeOffset.UtcNow;
            });
            var submitted = watch.Elapsed;
            var lastPost = DateTimeOffset.UtcNow;
            await WaitUntilNoneRunningAsync(hub, n, start);
            await rss.StopAsync();
            Console.WriteLine($"  -- {name}: submitted in {submitted.TotalSeconds:0.0} s, none running after {watch.Elapsed.TotalSeconds:0.0} s");
            var cpu = pids.Select((pid, i) => ProcStats.CpuSeconds(pid) - cpuBefore[i]).ToArray();

            var runs = InflightRun.From((await hub.Client.ListAllAsync()).Select(p => JsonNode.Parse(p.GetRawText())!), ids.ToHashSet());
            var lastEnd = runs.Max(r => r.EndedAt) ?? throw new InvalidOperationException("no run has ended");
            report.Add(new Measurement(section, $"{name}: time to finish all (first POST → last run ended)", (lastEnd - start).TotalSeconds, "s",
                "ideal", setup.Ideal(n, settings.InflightBannerDelay).TotalSeconds, $"load average {load} at the first POST"));
            report.Add(new Measurement(section, $"{name}: time to submit all", submitted.TotalSeconds, "s", Note: $"POST without ?wait, {SubmitParallelism} at a time"));
            report.Add(new Measurement(section, $"{name}: last POST answered → last run ended", (lastEnd - lastPost).TotalSeconds, "s"));
            var waits = runs.Where(r => r.StartedAt is not null).Select(r => (r.StartedAt!.Value - r.CreatedAt).TotalSeconds).DefaultIfEmpty(double.NaN);
            report.Add(new Measurement(section, $"{name}: longest wait in the queue", waits.Max(), "s", Note: "createdAt → startedAt"));
            report.Add(new Measurement(section, $"{name}: most connections open at the sink at once", sink.PeakConnections, "connections", "total capacity", setup.TotalCapacity));

            // Memory per probe: the RSS peak over the baseline, shared by the most probes in flight at once: on the hub from each
            // probe's 202 to its run's end, on an agent while its runs run.
            var hubPeak = rss.Peak(0);
            var ended = runs.ToDictionary(r => r.ProbeId, r => r.EndedAt);
            var inFlight = InflightRun.MostAtOnce(ids.Select((id, i) => (acceptedAt[i], ended.GetValueOrDefault(id))));
            report.Add(new Measurement(section, $"{name}: hub RSS peak", ProcStats.Mb(hubPeak), "MB", "before", ProcStats.Mb(before[0])));
            report.Add(new Measurement(section, $"{name}: hub RSS per probe in flight", (hubPeak - before[0]) / 1024 / Math.Max(1, inFlight), "KB",
                Note: $"(peak − before) / {inFlight} probes in flight at most"));
            if (agents.Count > 0)
            {
                var top = Enumerable.Range(1, agents.Count).MaxBy(rss.Peak);
                var mine = runs.Where(r => r.AgentName == AgentName(top - 1) && r.StartedAt is not null);
                // The hub stamps a run's end just after it frees the slot, so stamps may overlap by a few ms: at most its capacity.
                var running = Math.Min(setup.CapacityPerAgent, InflightRun.MostAtOnce(mine.Select(r => (r.StartedAt!.Value, r.EndedAt))));
                report.Add(new Measurement(section, $"{name}: agent RSS peak (the largest of {agents.Count})", ProcStats.Mb(rss.Peak(top)), "MB", "before", ProcStats.Mb(before[top])));
                report.Add(new Measurement(section, $"{name}: agent RSS per running probe", (rss.Peak(top) - before[top]) / 1024 / Math.Max(1, running), "KB",
                    Note: $"(peak − before) / {running} running on that agent at most"));
            }

            report.Add(new Measurement(section, $"{name}: hub CPU per probe", cpu[0] * 1000 / n, "ms", Note: "user + system, from the first POST to the end"));
            if (agents.Count > 0)
            {
                report.Add(new Measurement(section, $"{name}: agents' CPU per probe", cpu[1..].Sum() * 1000 / n, "ms", Note: $"all {agents.Count}, user + system"));
            }

            ReportStatuses(settings, report, section, name, n, runs);
        }
        finally
        {
            foreach (var agent in agents)
            {
                await agent.DisposeAsync();
            }
        }
    }

    private static string AgentName(int i) => $"bench-i{i}";

    /// <summary>Polls the count of running probes (bounded: every run ends by its queue timeout plus its budget).</summary>
    private static Task WaitUntilNoneRunningAsync(HubProcess hub, int n, DateTimeOffset start) =>
        Eventually.ReadAsync(() => hub.Client.CountAsync("status=running"), running => running == 0,
            start.AddSeconds(QueueTimeoutSeconds + RunBudgetSeconds + 60) - DateTimeOffset.UtcNow, Poll, () => $"probes of {n} still running");

    private static void ReportStatuses(BenchSettings settings, BenchReport report, string section, string name, int n, List<InflightRun> runs)
    {
        int Count(string status) => runs.Count(r => r.Status == status);
        var passed = runs.Count(r => r.Passed);
        var other = runs.Count - Count("completed") - Count("agentLost") - Count("timedOut") - Count("queueTimedOut");
        var counts = string.Create(CultureInfo.InvariantCulture,
            $"{passed:#,0} completed and passed, {Count("completed") - passed} completed and failed; agentLost {Count("agentLost")}, " +
            $"timedOut {Count("timedOut")}, queueTimedOut {Count("queueTimedOut")}, other {other}; {runs.Count:#,0} runs listed");
        report.Add(new Measurement(section, $"{name}: runs completed with verdict passed", passed, "runs", "probes", n));
        var met = passed == n && runs.Count == n;
        report.Goal($"{name}: none lost or timed out by queueing", $"{n:#,0} of {n:#,0} completed and passed", counts, met);
        if (!met)
        {
            var why = runs.Where(r => !r.Passed).GroupBy(r => $"{r.Status}/{r.Diagnosis}").OrderByDescending(g => g.Count()).Take(5);
            report.Note($"In flight, {name}: runs not passed by diagnosis: {string.Join(", ", why.Select(g => $"{g.Key} ×{g.Count()}"))}");
            if (settings.Smoke)
            {
                throw new InvalidOperationException($"{name}: {counts}");
            }
        }
    }

    /// <summary>This process's soft limit on open files (its children inherit it).</summary>
    private static long OpenFilesLimit()
    {
        var line = File.ReadLines("/proc/self/limits").First(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return soft == "unlimited" ? long.MaxValue : long.Parse(soft, CultureInfo.InvariantCulture);
    }
}
