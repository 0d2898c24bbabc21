using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SmtpProbeHub.TestSupport.Netns;

namespace SmtpProbeHub.EndToEnd.Tests.Scenarios;

/// <summary>
/// The hub's REST API as automation sees it (JSON, no hub types), called from inside the router namespace so the
/// test needs no route into the test networks.
/// </summary>
internal sealed class HubClient(string routerNamespace, Uri baseAddress, string apiKey) : IDisposable
{
    private readonly HttpClient _http = new(NamespaceSockets.HttpHandler(routerNamespace))
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(90),
        DefaultRequestHeaders = { { "X-Api-Key", apiKey } },
    };

    /// <summary>POST /api/v1/probes?wait=…; returns the probe once every run has ended (polls after a 202).</summary>
    public async Task<JsonObject> RunProbeAsync(JsonObject request, int waitSeconds, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync($"/api/v1/probes?wait={waitSeconds}", request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Accepted))
        {
            throw new InvalidOperationException($"POST /api/v1/probes answered {(int)response.StatusCode}: {body}");
        }

        var answer = JsonNode.Parse(body)!.AsObject();
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return answer;
        }

        var location = response.Headers.Location?.ToString() ?? $"/api/v1/probes/{(string?)answer["id"]}";
        var deadline = DateTime.UtcNow.AddSeconds(waitSeconds + 30);
        while (true)
        {
            var probe = await GetAsync(location, cancellationToken);
            if ((string?)probe["status"] != "running" || DateTime.UtcNow > deadline)
            {
                return probe;
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    public async Task<JsonObject> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(path, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(body)!.AsObject()
            : throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {body}");
    }

    public async Task<JsonNode> GetNodeAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(path, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(body)!
            : throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {body}");
    }

    public void Dispose() => _http.Dispose();
}
