using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Processes;

namespace SmtpProbeHub.Benchmarks.Harness;

/// <summary>The tests' hub launcher and REST client, set up for the benchmark: an agent token, no rate limit in the way.</summary>
internal static class BenchHub
{
    public const string AgentToken = "bench-agent-token-0123456789";

    public static Task<HubProcess> StartAsync(BenchSettings settings, bool localAgent, int localCapacity = 16, IDictionary<string, string>? extraConfig = null)
    {
        var config = new Dictionary<string, string>
        {
            // The benchmark is one loopback client making thousands of requests: the default per-client limit would be measured instead.
            ["Hub:RateLimit:Burst"] = "1000000",
            ["Hub:RateLimit:PerMinute"] = "1000000000",
            ["Hub:LocalAgent:Capacity"] = localCapacity.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extraConfig ?? new Dictionary<string, string>())
        {
            config[key] = value;
        }

        return HubProcess.StartAsync(new HubProcessOptions
        {
            Executable = settings.HubPath,
            LocalAgent = localAgent,
            // A fleet token: the fleet section connects thousands of simulated agents with it, each enrolling once.
            AgentToken = AgentToken,
            // BENCH_HUB_DATA_ROOT (e.g. /dev/shm) puts the database elsewhere, to tell storage time from the rest.
            DataDirectory = Environment.GetEnvironmentVariable("BENCH_HUB_DATA_ROOT") is { Length: > 0 } root
                ? Directory.CreateDirectory(Path.Combine(root, "bench-hub-" + Guid.NewGuid().ToString("n")[..8])).FullName
                : settings.Scratch("hub"),
            Arguments = [.. config.Select(c => $"--{c.Key}={c.Value}")],
            // BENCH_HUB_ENV="DOTNET_gcServer=0;Logging__LogLevel__Default=Warning" tries settings on the hub without a rebuild
            // (the start-up banner, which names the bound ports, must stay at Information).
            Environment = EnvironmentFrom("BENCH_HUB_ENV"),
            // It writes a line or more a probe: the last ones are enough to say why it failed.
            KeptLines = 200,
        });
    }

    /// <summary>Pairs "K=V;K=V" from an environment variable such as BENCH_AGENT_ENV, for runtime settings tried without a rebuild.</summary>
    public static Dictionary<string, string> EnvironmentFrom(string variable) =>
        (Environment.GetEnvironmentVariable(variable) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv.ElementAtOrDefault(1) ?? "");

    /// <summary>The KB sequence without TLS (the raw client and swaks do not use TLS either), to one agent selector.</summary>
    public static string ProbeBody(string server, int port, object agents) => JsonSerializer.Serialize(new
    {
        server,
        port,
        from = "admin@test.com",
        to = new[] { "alice@corp.test" },
        helo = "test.com",
        tls = "none",
        agents,
    });

    /// <summary>POSTs a probe with ?wait and returns the elapsed time; throws unless it answered 200 with every run as expected.</summary>
    public static async Task<double> TimeProbeAsync(this HubClient client, string body, int waitSeconds = 60, int expectedRuns = 1, string expectedVerdict = "passed")
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.PostProbeAsync(body, waitSeconds);
        var text = await response.Content.ReadAsStringAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"POST /api/v1/probes answered {(int)response.StatusCode}: {Shorten(text)}");
        }

        var runs = JsonDocument.Parse(text).RootElement.GetProperty("runs");
        var good = runs.EnumerateArray().Count(r => r.GetProperty("status").GetString() == "completed" && r.GetProperty("verdict").GetString() == expectedVerdict);
        return runs.GetArrayLength() == expectedRuns && good == expectedRuns
            ? elapsed
            : throw new InvalidOperationException($"expected {expectedRuns} completed run(s) with verdict {expectedVerdict}, got {good} of {runs.GetArrayLength()}: {Shorten(text)}");
    }

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "…";
}
