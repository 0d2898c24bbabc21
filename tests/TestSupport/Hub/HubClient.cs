using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.TestSupport.Hub;

/// <summary>
/// The hub's REST API as automation sees it (JSON, no hub types). A probe is waited for on the hub's own events — the
/// POST's <c>?wait</c>, then the probe's Server-Sent Events — not by polling it, so no test needs a raised rate limit.
/// </summary>
public sealed class HubClient : IDisposable
{
    private readonly bool _ownsHttp;

    /// <summary>A client of its own for the hub at <paramref name="baseAddress"/> (through <paramref name="handler"/>, e.g. inside a network namespace).</summary>
    public HubClient(Uri baseAddress, HttpMessageHandler? handler = null, string? apiKey = null)
    {
        Http = CreateHttp(baseAddress, handler, apiKey);
        _ownsHttp = true;
    }

    /// <summary>Over a client the caller owns (an in-process hub's).</summary>
    public HubClient(HttpClient http) => Http = http;

    public HttpClient Http { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>POST /api/v1/probes, with <c>?wait=</c> when given; the answer as it came.</summary>
    public Task<HttpResponseMessage> PostProbeAsync(string json, int? wait = null) =>
        Http.PostAsync("/api/v1/probes" + (wait is null ? "" : $"?wait={wait}"), new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    /// <summary>POSTs a probe without waiting (202) and returns its id.</summary>
    public async Task<string> SubmitAsync(string json)
    {
        using var response = await PostProbeAsync(json);
        return response.StatusCode == HttpStatusCode.Accepted
            ? (await BodyAsync(response)).GetProperty("id").GetString()!
            : throw new InvalidOperationException($"POST /api/v1/probes answered {(int)response.StatusCode}: {await TextAsync(response)}");
    }

    /// <summary>POSTs a probe with <c>?wait=</c> and returns it once every run has ended (from its events after a 202).</summary>
    public async Task<JsonElement> RunProbeAsync(string json, int waitSeconds)
    {
        using var response = await PostProbeAsync(json, waitSeconds);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Accepted))
        {
            throw new InvalidOperationException($"POST /api/v1/probes answered {(int)response.StatusCode}: {await TextAsync(response)}");
        }

        var probe = await BodyAsync(response);
        return response.StatusCode == HttpStatusCode.OK
            ? probe
            : await WaitForEndAsync(probe.GetProperty("id").GetString()!, TimeSpan.FromSeconds(waitSeconds + 30));
    }

    /// <summary>GET a JSON resource; throws with the answer when it is not a success (a problem read as a probe would fail later, hiding why).</summary>
    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path, Ct);
        return response.IsSuccessStatusCode
            ? await BodyAsync(response)
            : throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {await TextAsync(response)}");
    }

    /// <summary>The probe once it is no longer running.</summary>
    public Task<JsonElement> WaitForEndAsync(string id, TimeSpan? within = null) =>
        WaitForProbeAsync(id, p => p.GetProperty("status").GetString() != "running", within);

    /// <summary>
    /// The probe, as stored, once <paramref name="done"/> holds for it, judged at each change its event stream announces
    /// (the probe as read with the status of each run the stream says changed), or the final probe the stream ends with
    /// (then read every second: a late result from an agent may still complete a lost run). A broken stream (the hub
    /// killed, restarting) is opened again.
    /// </summary>
    public async Task<JsonElement> WaitForProbeAsync(string id, Func<JsonElement, bool> done, TimeSpan? within = null)
    {
        var timeout = within ?? TimeSpan.FromSeconds(30);
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(timeout);
        var probe = default(JsonElement);
        string? lastEventId = null;
        try
        {
            while (true)
            {
                probe = await GetJsonAsync($"/api/v1/probes/{id}");
                if (done(probe))
                {
                    return probe;
                }

                var statuses = new Dictionary<string, string>();
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/probes/{id}/events");
                if (lastEventId is not null)
                {
                    request.Headers.Add("Last-Event-ID", lastEventId);
                }

                try
                {
                    using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                    response.EnsureSuccessStatusCode();
                    await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
                    await foreach (var item in SseParser.Create(stream).EnumerateAsync(deadline.Token))
                    {
                        lastEventId = string.IsNullOrEmpty(item.EventId) ? lastEventId : item.EventId;
                        var data = JsonDocument.Parse(item.Data).RootElement.Clone();
                        if (item.EventType == "end")
                        {
                            // An ended probe announces nothing more, yet a late result can still complete a lost run.
                            return done(data)
                                ? data
                                : await Eventually.ReadAsync(() => GetJsonAsync($"/api/v1/probes/{id}"), done, timeout - elapsed.Elapsed, TimeSpan.FromSeconds(1));
                        }

                        if (item.EventType == "run")
                        {
                            statuses[data.GetProperty("id").GetString()!] = data.GetProperty("status").GetString()!;
                            // A run's start is announced before its write lands: the stored probe follows within moments.
                            if (done(WithStatuses(probe, statuses)))
                            {
                                return await Eventually.ReadAsync(() => GetJsonAsync($"/api/v1/probes/{id}"), done, TimeSpan.FromSeconds(10));
                            }
                        }
                    }
                }
                catch (Exception e) when (e is HttpRequestException or IOException)
                {
                    // The hub went away (killed, restarting): read the probe again after a pause.
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !Ct.IsCancellationRequested)
        {
            throw new TimeoutException($"probe not as expected within {timeout.TotalSeconds:0} s: {probe}");
        }
    }

    /// <summary>Waits until the named agents are listed online (nothing announces it: the list is read every half second).</summary>
    public Task WaitForAgentsOnlineAsync(params string[] names) =>
        Eventually.ReadAsync(
            () => GetJsonAsync("/api/v1/agents"),
            agents => names.All(agents.EnumerateArray().Where(a => a.GetProperty("status").GetString() == "online").Select(a => a.GetProperty("name").GetString()).Contains),
            TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));

    /// <summary>How many probes match a list filter (one row asked for; the page's total counts them all).</summary>
    public async Task<int> CountAsync(string filter) =>
        (await GetJsonAsync($"/api/v1/probes?{filter}&pageSize=1")).GetProperty("total").GetInt32();

    /// <summary>Every probe in the list (newest first), page by page.</summary>
    public async Task<List<JsonElement>> ListAllAsync(int pageSize = 200)
    {
        var all = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            var items = (await GetJsonAsync($"/api/v1/probes?page={page}&pageSize={pageSize}")).GetProperty("items");
            all.AddRange(items.EnumerateArray());
            if (items.GetArrayLength() < pageSize)
            {
                return all;
            }
        }
    }

    public async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await Http.GetAsync("/health/ready", Ct);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public static IEnumerable<string> RunStatuses(JsonElement probe) =>
        probe.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("status").GetString()!);

    public void Dispose()
    {
        if (_ownsHttp)
        {
            Http.Dispose();
        }
    }

    private static JsonElement WithStatuses(JsonElement probe, Dictionary<string, string> statuses)
    {
        var node = JsonNode.Parse(probe.GetRawText())!;
        foreach (var run in node["runs"]!.AsArray())
        {
            if (statuses.TryGetValue((string)run!["id"]!, out var status))
            {
                run["status"] = status;
            }
        }

        return JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();
    }

    private static HttpClient CreateHttp(Uri baseAddress, HttpMessageHandler? handler, string? apiKey)
    {
        var http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = 1024 })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(120),
        };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return http;
    }

    private static async Task<string> TextAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        return text.Length <= 600 ? text : text[..600] + "…";
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
}
