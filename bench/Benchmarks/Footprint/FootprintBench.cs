using SmtpProbeHub.Benchmarks.Harness;
using SmtpProbeHub.Benchmarks.Smtp;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Processes;

namespace SmtpProbeHub.Benchmarks.Footprint;

/// <summary>
/// Section 4: the agent as shipped (the published Native AOT binary when run.sh made one): its size, time
/// from process start to "Connected to hub", RSS idle, and RSS while 100 probes run at once (the sink holds
/// each message 2 s, so all are in flight together).
/// </summary>
internal static class FootprintBench
{
    private const string Section = "4. Agent footprint";
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(BenchSettings settings, BenchReport report)
    {
        if (settings.PublishedAgentPath is { } published && File.Exists(published))
        {
            report.Add(new Measurement(Section, "published agent (linux-x64, Native AOT, one file)", ProcStats.Mb(new FileInfo(published).Length), "MB"));
        }
        else
        {
            report.Note("Footprint: no published agent in this run (--published-agent); the framework-dependent build was measured.");
        }

        await using var hub = await BenchHub.StartAsync(settings, localAgent: false);
        var starts = new List<double>();
        ChildProcess? agent = null;
        try
        {
            for (var i = 0; i < settings.StartRepeats; i++)
            {
                if (agent is not null)
                {
                    await agent.DisposeAsync();
                }

                (agent, var ms) = await AgentProcess.StartAsync(settings, settings.AgentPath, hub, $"bench-fp{i}",
                    new Dictionary<string, string> { ["lane"] = "fp" }, HelloCapacity(settings));
                starts.Add(ms);
            }

            report.Add(new Measurement(Section, "start to connected, first start", starts[0], "ms"));
            report.Add(new Measurement(Section, $"start to connected, median of {starts.Count}", Percentiles.Median(starts), "ms"));
            report.Goal("agent start to connected (median)", "≤ 500 ms", $"{Percentiles.Median(starts):0} ms", Percentiles.Median(starts) <= 500);

            await Task.Delay(TimeSpan.FromSeconds(6)); // past the first heartbeat
            var idle = ProcStats.RssBytes(agent!.Id);
            report.Add(new Measurement(Section, "agent RSS idle (connected)", ProcStats.Mb(idle), "MB"));
            report.Add(new Measurement(Section, "agent private dirty memory idle", ProcStats.Mb(ProcStats.PrivateDirtyBytes(agent.Id)), "MB",
                Note: "smaps Private_Dirty: what the agent alone holds; the rest of RSS is clean, file-backed code pages"));
            report.Goal("agent idle RSS", "≤ 40 MB", $"{ProcStats.Mb(idle):0.0} MB", ProcStats.Mb(idle) <= 40);

            var busy = await BusyRssAsync(settings, hub, agent, HelloCapacity(settings));
            report.Add(new Measurement(Section, $"agent RSS peak while running {HelloCapacity(settings)} probes at once", ProcStats.Mb(busy), "MB", "idle", ProcStats.Mb(idle)));
        }
        finally
        {
            if (agent is not null)
            {
                await agent.DisposeAsync();
            }
        }
    }

    private static int HelloCapacity(BenchSettings settings) => settings.FootprintConcurrent;

    private static async Task<double> BusyRssAsync(BenchSettings settings, HubProcess hub, ChildProcess agent, int concurrent)
    {
        await using var sink = await FastSink.StartAsync(Hold);
        var body = BenchHub.ProbeBody("127.0.0.1", sink.Port, new { labels = new Dictionary<string, string> { ["lane"] = "fp" } });
        var peak = 0.0;
        var probes = Task.WhenAll(Enumerable.Range(0, concurrent).Select(_ => hub.Client.TimeProbeAsync(body)));
        while (!probes.IsCompleted)
        {
            peak = Math.Max(peak, ProcStats.RssBytes(agent.Id));
            await Task.WhenAny(probes, Task.Delay(50));
        }

        await probes;
        if (sink.Messages < concurrent)
        {
            throw new InvalidOperationException($"the sink saw {sink.Messages} messages, expected {concurrent}");
        }

        return peak;
    }
}
