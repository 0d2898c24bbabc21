using System.Diagnostics;
using System.Globalization;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Processes;

namespace SmtpProbeHub.Benchmarks.Harness;

/// <summary>The built agent in worker mode (<c>run</c>), dialing the hub over gRPC like a remote agent.</summary>
internal static class AgentProcess
{
    public const string ConnectedLine = "Connected to hub";

    /// <summary>Starts an agent and waits until it logs that the hub welcomed it; returns it and the ms from start to connected.</summary>
    public static async Task<(ChildProcess Agent, double StartToConnectedMs)> StartAsync(
        BenchSettings settings, string agentPath, HubProcess hub, string name, IDictionary<string, string> labels, int capacity,
        IDictionary<string, string>? environment = null)
    {
        var args = new List<string>
        {
            "run", "--hub", hub.GrpcUrl, "--name", name, "--capacity", capacity.ToString(CultureInfo.InvariantCulture),
            "--data-dir", settings.Scratch("agent-" + name),
            "--Agent:Targets:AllowedPorts:0=1-65535", "--Agent:Targets:AllowedNetworks:0=127.0.0.0/8",
        };
        foreach (var (key, value) in labels)
        {
            args.AddRange(["--label", $"{key}={value}"]);
        }

        var env = new Dictionary<string, string> { ["Agent__Token"] = BenchHub.AgentToken };
        // BENCH_AGENT_ENV="DOTNET_TieredPGO=0;DOTNET_GCgen0size=..." tries runtime settings on the agents without a rebuild.
        foreach (var (key, value) in BenchHub.EnvironmentFrom("BENCH_AGENT_ENV"))
        {
            env[key] = value;
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        var agent = ChildProcess.Start(name, agentPath, args, env, keptLines: 60);
        try
        {
            var connected = await agent.WaitForLineAsync(l => l.Contains(ConnectedLine, StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            return (agent, Stopwatch.GetElapsedTime(agent.StartedAt, connected.Timestamp).TotalMilliseconds);
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }
}
