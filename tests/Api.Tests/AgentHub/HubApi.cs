using System.Net;
using System.Text;
using System.Text.Json;
using SmtpProbeHub.TestSupport.Hub;

namespace SmtpProbeHub.Api.Tests.AgentHub;

/// <summary>The few REST calls these tests make, against the public contract.</summary>
internal static class HubApi
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<(HttpStatusCode Status, JsonElement Body)> PostProbeAsync(this HttpClient http, string agentsJson, string to = "alice@corp.test")
    {
        var json = $$"""{"server":"127.0.0.1","port":2525,"to":["{{to}}"],"agents":{{agentsJson}}}""";
        var response = await http.PostAsync("/api/v1/probes", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        return (response.StatusCode, await BodyAsync(response));
    }

    public static async Task<JsonElement> GetProbeAsync(this HttpClient http, string id) =>
        await SuccessBodyAsync(await http.GetAsync($"/api/v1/probes/{id}", Ct));

    public static async Task<JsonElement> AgentsAsync(this HttpClient http) =>
        await SuccessBodyAsync(await http.GetAsync("/api/v1/agents", Ct));

    /// <summary>Waits, on the probe's events, until its single run reaches <paramref name="status"/>; returns that run.</summary>
    public static async Task<JsonElement> WaitForRunAsync(this HttpClient http, string probeId, string status, double seconds = 15) =>
        (await new HubClient(http).WaitForProbeAsync(probeId, p => p.GetProperty("runs")[0].GetProperty("status").GetString() == status, TimeSpan.FromSeconds(seconds)))
            .GetProperty("runs")[0];

    // A problem (429, 404) read as a probe would fail later with a KeyNotFoundException that hides why.
    private static async Task<JsonElement> SuccessBodyAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} from {response.RequestMessage?.RequestUri}: {await response.Content.ReadAsStringAsync(Ct)}");
        return await BodyAsync(response);
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
