using System.Net.Http.Json;
using System.Text.Json;
using SmtpProbeHub.Probe.Serialization;
using SmtpProbeHub.TestSupport.Hub;

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

    /// <summary>The probe once it is no longer running, waited for on its events.</summary>
    public static Task<JsonElement> WaitForEndAsync(this HttpClient client, string id, double seconds = 15) =>
        new HubClient(client).WaitForEndAsync(id, TimeSpan.FromSeconds(seconds));
}
