using System.Globalization;
using System.Net;
using SmtpProbeHub.TestSupport.Peers;

namespace SmtpProbeHub.Benchmarks.Harness;

/// <summary>The built hub as a real process on loopback: REST and gRPC ports, an agent token, no rate limit in the way.</summary>
internal sealed class HubProcess : IAsyncDisposable
{
    public const string AgentToken = "bench-agent-token-0123456789";

    private HubProcess(ChildProcess process, int restPort, int grpcPort)
    {
        Process = process;
        RestPort = restPort;
        GrpcPort = grpcPort;
        Client = new HubClient(new Uri($"http://127.0.0.1:{restPort}"));
    }

    public ChildProcess Process { get; }
    public int RestPort { get; }
    public int GrpcPort { get; }
    public string GrpcUrl => $"http://127.0.0.1:{GrpcPort}";
    public HubClient Client { get; }

    public static async Task<HubProcess> StartAsync(BenchSettings settings, bool localAgent, int localCapacity = 16, IDictionary<string, string>? extraConfig = null)
    {
        var rest = FreePorts.Tcp(IPAddress.Loopback);
        var grpc = FreePorts.Tcp(IPAddress.Loopback);
        var config = new Dictionary<string, string>
        {
            ["urls"] = $"http://127.0.0.1:{rest}",
            ["Hub:Grpc:Url"] = $"http://127.0.0.1:{grpc}",
            // BENCH_HUB_DATA_ROOT (e.g. /dev/shm) puts the database elsewhere, to tell storage time from the rest.
            ["Hub:DataDirectory"] = System.Environment.GetEnvironmentVariable("BENCH_HUB_DATA_ROOT") is { Length: > 0 } root
                ? Directory.CreateDirectory(Path.Combine(root, "bench-hub-" + Guid.NewGuid().ToString("n")[..8])).FullName
                : settings.Scratch("hub"),
            // A fleet token: the fleet section connects thousands of simulated agents with it, each enrolling once.
            ["Hub:EnrollmentTokens:bench"] = AgentToken,
            // The bench's Postfix and sink listen on loopback ports.
            ["Hub:Targets:AllowedPorts:0"] = "1-65535",
            ["Hub:Targets:AllowedNetworks:0"] = "127.0.0.0/8",
            // The benchmark is one loopback client making thousands of requests: the default per-client limit would be measured instead.
            ["Hub:RateLimit:Burst"] = "1000000",
            ["Hub:RateLimit:PerMinute"] = "1000000000",
            ["Hub:LocalAgent:Enabled"] = localAgent ? "true" : "false",
            ["Hub:LocalAgent:Capacity"] = localCapacity.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extraConfig ?? new Dictionary<string, string>())
        {
            config[key] = value;
        }

        // BENCH_HUB_ENV="DOTNET_gcServer=0;Logging__LogLevel__Default=Warning" tries settings on the hub without a rebuild.
        var process = ChildProcess.Start("hub", settings.HubPath, config.Select(c => $"--{c.Key}={c.Value}"), ChildProcess.EnvironmentFrom("BENCH_HUB_ENV"));
        var hub = new HubProcess(process, rest, grpc);
        try
        {
            await hub.WaitReadyAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }

        return hub;
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Process.HasExited)
            {
                break;
            }

            if (await Client.IsReadyAsync())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"The hub did not become ready on port {RestPort}. Output:{Environment.NewLine}{Process.Tail()}");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Process.DisposeAsync();
    }
}
