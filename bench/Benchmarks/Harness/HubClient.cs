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

    /// <summary>POSTs a probe without waiting (202) and returns its id.</summary>
    public async Task<string> SubmitAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("api/v1/probes", content);
        if (response.StatusCode != HttpStatusCode.Accepted || response.Headers.Location is not { } location)
        {
            throw new InvalidOperationException($"POST /api/v1/probes answered {(int)response.StatusCode}: {Shorten(await response.Content.ReadAsStringAsync())}");
        }

        return location.OriginalString[(location.OriginalString.LastIndexOf('/') + 1)..];
    }

    /// <summary>How many probes match a list filter (one row asked for; the page's total counts them all).</summary>
    public async Task<int> CountAsync(string filter)
    {
        var page = await GetJsonAsync($"api/v1/probes?{filter}&pageSize=1");
        return (int?)page["total"] ?? throw new InvalidOperationException("the probe list has no total");
    }

    /// <summary>Every probe in the list (newest first), page by page: runs with status, verdict, times and diagnosis.</summary>
    public async Task<List<JsonNode>> ListAllAsync(int pageSize = 200)
    {
        var all = new List<JsonNode>();
        for (var page = 1; ; page++)
        {
            var items = (await GetJsonAsync($"api/v1/probes?page={page}&pageSize={pageSize}"))["items"]?.AsArray() ?? [];
            all.AddRange(items.OfType<JsonNode>());
            if (items.Count < pageSize)
            {
                return all;
            }
        }
    }

    private async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {Shorten(text)}");
        }

        return JsonNode.Parse(text) ?? throw new InvalidOperationException($"GET {path} answered no JSON");
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
