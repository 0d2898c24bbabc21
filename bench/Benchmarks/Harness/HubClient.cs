using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SmtpProbeHub.Benchmarks.Harness;

/// <summary>The REST calls the benchmarks make, as automation would make them.</summary>
internal sealed class HubClient(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = 1024 })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(120),
    };

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

    /// <summary>POSTs a probe with ?wait and returns the elapsed time; throws unless it answered 200 with every run passed.</summary>
    public async Task<double> RunProbeAsync(string body, int waitSeconds = 60, int expectedRuns = 1, string expectedVerdict = "passed")
    {
        var started = Stopwatch.GetTimestamp();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync($"api/v1/probes?wait={waitSeconds}", content);
        var text = await response.Content.ReadAsStringAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"POST /api/v1/probes answered {(int)response.StatusCode}: {Shorten(text)}");
        }

        var runs = JsonNode.Parse(text)?["runs"]?.AsArray() ?? [];
        var good = runs.Count(r => (string?)r?["status"] == "completed" && (string?)r?["verdict"] == expectedVerdict);
        if (runs.Count != expectedRuns || good != expectedRuns)
        {
            throw new InvalidOperationException($"expected {expectedRuns} completed run(s) with verdict {expectedVerdict}, got {good} of {runs.Count}: {Shorten(text)}");
        }

        return elapsed;
    }

    public async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await _http.GetAsync("health/ready");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "…";

    public void Dispose() => _http.Dispose();
}
