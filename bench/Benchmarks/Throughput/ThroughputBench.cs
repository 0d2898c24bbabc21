using System.Globalization;
using SmtpProbeHub.Benchmarks.Harness;
using SmtpProbeHub.Benchmarks.Smtp;
using SmtpProbeHub.Probe;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Processes;

namespace SmtpProbeHub.Benchmarks.Throughput;

/// <summary>
/// Section 2: probes per second through the hub (REST ?wait, real hub and agent processes) with 1 and 4 agents,
/// over a concurrency sweep, against a fast SMTP sink; the reference is the raw client against the same sink
/// at the same concurrency, measured in this run.
/// </summary>
internal static class ThroughputBench
{
    private const string Section = "2. Throughput (SmtpServer sink on loopback, probes/s)";

    public static async Task RunAsync(BenchSettings settings, BenchReport report)
    {
        await using var sink = await FastSink.StartAsync();
        var raw = new Dictionary<int, double>();
        foreach (var c in settings.Concurrency)
        {
            (raw[c], _) = await RateMeter.MeasureAsync(c, settings.ThroughputPoint, () => RawSmtpClient.RunAsync(sink.EndPoint));
            report.Add(new Measurement(Section, $"raw client, concurrency {c}", raw[c], "probes/s"));
        }

        // The engine alone (no hub, no agent process) against the same sink: what the hub path adds is the difference.
        var runner = new ProbeRunner(new ProbeEngineOptions { Targets = SmtpProbeHub.Probe.Targets.TargetPolicy.AllowAll });
        var plan = new ProbePlan { Server = "127.0.0.1", Port = sink.Port, To = ["alice@corp.test"], Tls = TlsMode.None };
        foreach (var c in settings.Concurrency)
        {
            var (rate, _) = await RateMeter.MeasureAsync(c, settings.ThroughputPoint, async () =>
            {
                var result = await runner.RunAsync(plan with { ProbeId = Guid.NewGuid().ToString("n") });
                if (result.Verdict != Verdict.Passed)
                {
                    throw new InvalidOperationException($"engine probe against the sink failed: {result.Diagnosis?.Code} {result.Diagnosis?.Summary}");
                }
            });
            report.Add(new Measurement(Section, $"engine in-process, concurrency {c}", rate, "probes/s", $"raw c={c}", raw[c]));
        }

        var bestRaw = raw.Values.Max();
        foreach (var agents in new[] { 1, 4 })
        {
            var best = await HubSweepAsync(settings, report, sink, agents, raw);
            report.Goal($"hub + {agents} agent{(agents > 1 ? "s" : "")}: best rate ≥ 70 % of the raw client's best", "≥ 70 %",
                $"{best:0} vs {bestRaw:0} probes/s = {best / bestRaw:P0}", best / bestRaw >= 0.7);
        }

        report.Note("Throughput: every process (load generator and sink in the harness, hub, agents) shares the same 2 cores, so the hub path's " +
            "extra work (HTTP, JSON, SQLite, gRPC, transcript) competes directly with the sink; the raw client does none of it.");
    }

    private static async Task<double> HubSweepAsync(BenchSettings settings, BenchReport report, FastSink sink, int agentCount, Dictionary<int, double> raw)
    {
        var capacity = settings.Concurrency.Max();
        await using var hub = await BenchHub.StartAsync(settings, localAgent: false);
        var agents = new List<ChildProcess>();
        try
        {
            for (var i = 0; i < agentCount; i++)
            {
                var (agent, _) = await AgentProcess.StartAsync(settings, settings.AgentPath, hub, $"bench-t{i}",
                    new Dictionary<string, string> { ["lane"] = $"t{i}" }, capacity);
                agents.Add(agent);
            }

            var bodies = Enumerable.Range(0, agentCount)
                .Select(i => BenchHub.ProbeBody("127.0.0.1", sink.Port, new { labels = new Dictionary<string, string> { ["lane"] = $"t{i}" } }))
                .ToArray();
            long next = 0, operations = 0;
            var best = 0.0;
            // A fresh hub and agents JIT their request path in the first seconds; the raw client runs in this
            // already-warm process. Warm them the same way before anything is counted.
            await RateMeter.MeasureAsync(capacity, settings.ThroughputWarmup,
                () => hub.Client.TimeProbeAsync(bodies[Interlocked.Increment(ref next) % agentCount]));
            var hubCpu = ProcStats.CpuSeconds(hub.Process.Id);
            var agentCpu = agents.Sum(a => ProcStats.CpuSeconds(a.Id));
            foreach (var c in settings.Concurrency)
            {
                var (rate, ops) = await RateMeter.MeasureAsync(c, settings.ThroughputPoint,
                    () => hub.Client.TimeProbeAsync(bodies[Interlocked.Increment(ref next) % agentCount]));
                operations += ops;
                best = Math.Max(best, rate);
                report.Add(new Measurement(Section, $"hub + {agentCount} agent{(agentCount > 1 ? "s" : "")}, concurrency {c}", rate, "probes/s",
                    $"raw c={c.ToString(CultureInfo.InvariantCulture)}", raw[c]));
            }

            // CPU per probe does not depend on how loaded the machine is: it says where the work goes.
            var label = $"hub + {agentCount} agent{(agentCount > 1 ? "s" : "")}";
            report.Add(new Measurement(Section, $"{label}: hub CPU per probe", (ProcStats.CpuSeconds(hub.Process.Id) - hubCpu) * 1000 / operations, "ms", Note: "user + system, whole sweep"));
            report.Add(new Measurement(Section, $"{label}: agent CPU per probe", (agents.Sum(a => ProcStats.CpuSeconds(a.Id)) - agentCpu) * 1000 / operations, "ms", Note: "all agents"));
            return best;
        }
        finally
        {
            foreach (var agent in agents)
            {
                await agent.DisposeAsync();
            }
        }
    }
}
