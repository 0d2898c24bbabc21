using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SmtpProbeHub.Benchmarks.Harness;
using SmtpProbeHub.Benchmarks.Smtp;

namespace SmtpProbeHub.Benchmarks.Monitors;

/// <summary>
/// Issue 13: N monitors (10,000) on one interval (1 minute) on one hub with its built-in agent, probing the bench's fast
/// sink. Over whole intervals after every monitor exists: each monitor's slots are known (interval aligned to the epoch
/// plus its shift, shown as nextRunAt), each probe is mapped to its slot, and the report gives the scheduling lag
/// (probe created − slot) p50/p99/max, slots missed and doubled (the goal: none), and the hub's CPU over the window.
/// </summary>
internal static class MonitorsBench
{
    private const int CreateParallelism = 32;

    public static async Task RunAsync(BenchSettings settings, BenchReport report)
    {
        var n = Environment.GetEnvironmentVariable("BENCH_MONITORS") is { Length: > 0 } count ? int.Parse(count, CultureInfo.InvariantCulture) : settings.Smoke ? 30 : 10_000;
        var interval = settings.Smoke ? TimeSpan.FromSeconds(5) : TimeSpan.FromMinutes(1);
        var intervals = settings.Smoke ? 2 : 3;
        var section = $"7. Monitors ({n.ToString("#,0", CultureInfo.InvariantCulture)} every {interval.TotalSeconds:0} s)";
        await using var sink = await FastSink.StartAsync();
        // The smoke pass runs its monitors every 5 s, below the hub's default minimum of 60 s.
        await using var hub = await BenchHub.StartAsync(settings, localAgent: true, localCapacity: 64,
            new Dictionary<string, string> { ["Hub:Monitors:MinIntervalSeconds"] = "1" });
        var http = hub.Client.Http;

        var watch = Stopwatch.StartNew();
        var shifts = new Dictionary<string, long>();
        var every = $"{interval.TotalSeconds:0}s";
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = CreateParallelism }, async (i, ct) =>
        {
            var body = $$$"""
                {"name":"m{{{i}}}","probe":{"server":"127.0.0.1","port":{{{sink.Port}}},"tls":"none","to":["alice@corp.test"],"agents":{"ids":["hub"]}},"schedule":{"every":"{{{every}}}"}}
                """;
            using var response = await http.PostAsync("/api/v1/monitors", new StringContent(body, Encoding.UTF8, "application/json"), ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"POST /api/v1/monitors answered {(int)response.StatusCode}: {text}");
            }

            var monitor = JsonDocument.Parse(text).RootElement;
            lock (shifts)
            {
                shifts[monitor.GetProperty("id").GetString()!] = monitor.GetProperty("nextRunAt").GetDateTimeOffset().ToUnixTimeMilliseconds() % (long)interval.TotalMilliseconds;
            }
        });
        report.Add(new Measurement(section, "monitors created", watch.Elapsed.TotalSeconds, "s", Note: $"{CreateParallelism} POSTs at a time"));

        // The window: whole intervals starting after the next boundary, when every monitor has had a slot already.
        var periodMs = (long)interval.TotalMilliseconds;
        var windowStart = DateTimeOffset.FromUnixTimeMilliseconds((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / periodMs + 1) * periodMs);
        var windowEnd = windowStart + (interval * intervals);
        await Task.Delay(windowStart - DateTimeOffset.UtcNow);
        var cpuBefore = ProcStats.CpuSeconds(hub.Process.Id);
        var load = ProcStats.LoadAverage();
        await Task.Delay(windowEnd - DateTimeOffset.UtcNow);
        var cpu = ProcStats.CpuSeconds(hub.Process.Id) - cpuBefore;
        // The last slots' probes finish (the sink answers at once); then the stored probes are the record.
        await Task.Delay(TimeSpan.FromSeconds(settings.Smoke ? 2 : 10));

        var slots = new Dictionary<(string Monitor, long Slot), int>();
        var lags = new List<double>();
        // The monitors keep running while the list is paged (newest first): a page can repeat the end of the one before, so by id.
        var listed = (await hub.Client.ListAllAsync()).DistinctBy(p => p.GetProperty("id").GetString()).ToList();
        foreach (var probe in listed)
        {
            if (probe.GetProperty("monitorId").GetString() is not { } id || !shifts.TryGetValue(id, out var shift))
            {
                continue;
            }

            var created = probe.GetProperty("createdAt").GetDateTimeOffset().ToUnixTimeMilliseconds();
            var slot = Math.Floor((double)(created - shift) / periodMs) * periodMs + shift;
            if (slot < windowStart.ToUnixTimeMilliseconds() || slot >= windowEnd.ToUnixTimeMilliseconds())
            {
                continue;
            }

            slots[(id, (long)slot)] = slots.GetValueOrDefault((id, (long)slot)) + 1;
            lags.Add(created - slot);
        }

        var expected = (long)n * intervals;
        var fired = slots.Count;
        var doubled = slots.Values.Count(c => c > 1);
        var missed = expected - fired;
        lags.Sort();
        report.Add(new Measurement(section, "scheduling lag p50 (slot → probe created)", Percentiles.Median(lags), "ms"));
        report.Add(new Measurement(section, "scheduling lag p99", Percentiles.Of(lags, 99), "ms"));
        report.Add(new Measurement(section, "scheduling lag max", lags.Count == 0 ? double.NaN : lags[^1], "ms"));
        report.Add(new Measurement(section, "slots fired in the window", fired, "slots", "expected", expected));
        report.Add(new Measurement(section, "slots missed", missed, "slots"));
        report.Add(new Measurement(section, "slots doubled", doubled, "slots"));
        report.Add(new Measurement(section, "hub CPU over the window", cpu / (windowEnd - windowStart).TotalSeconds * 100, "% of one core", Note: $"load average {load} at the window's start"));
        report.Add(new Measurement(section, "hub CPU per fired slot (schedule, probe, evaluation)", fired == 0 ? double.NaN : cpu * 1000 / fired, "ms"));
        report.Goal($"{n:#,0} monitors every {interval.TotalSeconds:0} s: no slot missed or doubled", "0 missed, 0 doubled", $"{missed} missed, {doubled} doubled", missed == 0 && doubled == 0);
        report.Note($"Monitors: {n:#,0} monitors, each the KB sequence (tls none) to the fast sink on the built-in agent (capacity 64), " +
            $"created {CreateParallelism} at a time; measured over {intervals} whole intervals after the last was created. A probe belongs to " +
            "the latest slot of its monitor at or before its createdAt (a lag below one interval); lag = createdAt − slot. The hub polls for " +
            "due slots every Hub:Monitors:PollMilliseconds (250 ms), which bounds the lag from below by up to a poll.");
    }
}
