using System.Net.Http.Json;
using System.Text.Json;
using SmtpProbeHub.Probe.Serialization;

namespace SmtpProbeHub.Api.Tests.Support;

internal static class HttpExtensions
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<T?> ReadAsync<T>(this HttpResponseMessage response) =>
        response.Content.ReadFromJsonAsync<T>(ProbeJson.Options, TestContext.Current.CancellationToken);

    /// <summary>Polls GET /api/v1/probes/{id} until the probe is no longer running.</summary>
    public static async Task<JsonElement> WaitForEndAsync(this HttpClient client, string id, double seconds = 15)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var probe = await (await client.GetAsync($"/api/v1/probes/{id}", TestContext.Current.CancellationToken)).JsonAsync();
            if (probe.GetProperty("status").GetString() != "running" || DateTime.UtcNow > until)
            {
                return probe;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
