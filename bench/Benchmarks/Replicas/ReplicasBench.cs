using System.Diagnostics;
using System.Globalization;
using SmtpProbeHub.Benchmarks.Harness;
using SmtpProbeHub.Benchmarks.Smtp;
using SmtpProbeHub.Benchmarks.Throughput;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Postgres;
using SmtpProbeHub.TestSupport.Processes;

namespace SmtpProbeHub.Benchmarks.Replicas;

/// <summary>
/// Issue 12: the same sink and the same load (REST ?wait at one concurrency, an agent per replica) on the single hub on
/// SQLite, one replica on PostgreSQL, and two replicas on one PostgreSQL with the load split between them; then the p50
/// of one probe at a time posted to replica A for an agent on A, and for an agent on B (relayed through the database).
/// PostgreSQL is the benchmark's own private cluster (Unix socket, fsync off, as in the tests).
/// </summary>
internal static class ReplicasBench
{
    private const string Section = "8. Replicas (probes/s and latency, SmtpServer sink on loopback)";
    private const string SecretKey = "bench-replicas-secret-key-0123456789abcdef";

    public static async Task RunAsync(BenchSettings settings, BenchReport report)
    {
        var concurrency = settings.Smoke ? 4 : 16;
        var latencyProbes = settings.Smoke ? 5 : 100;
        await using var sink = await FastSink.StartAsync();
        var cluster = await PostgresCluster.SharedAsync();

        var sqlite = await MeasureAsync(settings, report, sink, concurrency, "single hub, SQLite", [null]);
        var oneDatabase = await cluster.CreateDatabaseAsync("bench");
        var one = await MeasureAsync(settings, report, sink, concurrency, "1 replica, PostgreSQL", [("bench-a", oneDatabase)]);
        var twoDatabase = await cluster.CreateDatabaseAsync("bench");
        var two = await MeasureAsync(settings, report, sink, concurrency, "2 replicas, PostgreSQL", [("bench-a", twoDatabase), ("bench-b", twoDatabase)], latencyProbes);
        report.Note($"Replicas: concurrency {concurrency} in total (split evenly over the replicas), each request posted to a replica for the agent " +
            "connected to that replica; every process (harness, sink, hubs, agents, PostgreSQL) shares the same 2 cores, so a second replica " +
            "adds no CPU here: it shows what the PostgreSQL path and the relays cost, not the scaling a second machine would give. " +
            $"SQLite {sqlite:0}, PostgreSQL 1 replica {one:0}, 2 replicas {two:0} probes/s.");
        await cluster.DropDatabaseAsync(oneDatabase);
        await cluster.DropDatabaseAsync(twoDatabase);
    }

    /// <summary>Starts the hubs (null: SQLite) with one agent each, measures, returns probes/s.</summary>
    private static async Task<double> MeasureAsync(BenchSettings settings, BenchReport report, FastSink sink, int concurrency, string label,
        IReadOnlyList<(string Replica, string Database)?> replicas, int latencyProbes = 0)
    {
        var hubs = new List<HubProcess>();
        var agents = new List<ChildProcess>();
        try
        {
            foreach (var replica in replicas)
            {
                var config = new Dictionary<string, string>();
                if (replica is { } r)
                {
                    config["Hub:Storage:Provider"] = "postgres";
                    config["Hub:Storage:ConnectionString"] = r.Database;
                    config["Hub:Cluster:ReplicaId"] = r.Replica;
                    config["Hub:Cluster:SecretKey"] = SecretKey;
                    config["Hub:Cluster:PollMilliseconds"] = "250";
                }

                var hub = await BenchHub.StartAsync(settings, localAgent: false, extraConfig: config);
                hubs.Add(hub);
                var (agent, _) = await AgentProcess.StartAsync(settings, settings.AgentPath, hub, $"bench-r{hubs.Count - 1}",
                    new Dictionary<string, string> { ["lane"] = $"r{hubs.Count - 1}" }, concurrency);
                agents.Add(agent);
            }

            // Every replica knows every agent (presence leases) before anything is measured.
            foreach (var hub in hubs)
            {
                await hub.Client.WaitForAgentsOnlineAsync([.. Enumerable.Range(0, hubs.Count).Select(i => $"bench-r{i}")]);
            }

            var bodies = Enumerable.Range(0, hubs.Count)
                .Select(i => BenchHub.ProbeBody("127.0.0.1", sink.Port, new { labels = new Dictionary<string, string> { ["lane"] = $"r{i}" } })).ToArray();
            long next = 0;
            Task Local()
            {
                var i = (int)(Interlocked.Increment(ref next) % hubs.Count);
                return hubs[i].Client.TimeProbeAsync(bodies[i]);
            }

            await RateMeter.MeasureAsync(concurrency, settings.ThroughputWarmup, Local);
            var cpuBefore = hubs.Sum(h => ProcStats.CpuSeconds(h.Process.Id));
            var (rate, operations) = await RateMeter.MeasureAsync(concurrency, settings.ThroughputPoint, Local);
            report.Add(new Measurement(Section, $"{label}: throughput, concurrency {concurrency}", rate, "probes/s"));
            report.Add(new Measurement(Section, $"{label}: hub CPU per probe", (hubs.Sum(h => ProcStats.CpuSeconds(h.Process.Id)) - cpuBefore) * 1000 / operations, "ms",
                Note: "user + system of every replica, whole measurement"));

            if (latencyProbes > 0 && hubs.Count > 1)
            {
                var local = await LatencyAsync(hubs[0].Client, bodies[0], latencyProbes);
                var relayed = await LatencyAsync(hubs[0].Client, bodies[1], latencyProbes);
                report.Add(new Measurement(Section, "p50 latency, posted to replica A for its own agent", Percentiles.Median(local), "ms"));
                report.Add(new Measurement(Section, "p50 latency, posted to replica A for an agent on replica B (relayed)", Percentiles.Median(relayed), "ms",
                    "own agent", Percentiles.Median(local)));
                report.Add(new Measurement(Section, "p99 latency, relayed", Percentiles.Of(relayed, 99), "ms"));
            }

            return rate;
        }
        finally
        {
            foreach (var agent in agents)
            {
                await agent.DisposeAsync();
            }

            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }
        }
    }

    private static async Task<List<double>> LatencyAsync(HubClient client, string body, int probes)
    {
        for (var i = 0; i < 3; i++)
        {
            await client.TimeProbeAsync(body);
        }

        var sample = new List<double>(probes);
        for (var i = 0; i < probes; i++)
        {
            sample.Add(await client.TimeProbeAsync(body));
        }

        return sample;
    }
}
