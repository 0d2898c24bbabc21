using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.EndToEnd.Tests.Scenarios;

/// <summary>The KB's external-host case as a monitor sees it: a drop rule on the router, then its removal.</summary>
public sealed partial class KbScenarioTests
{
    /// <summary>Within the hub's per-client rate limit.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Monitor_InboundDroppedThenOpened_OneExternalHostCaseAlertThenOneRecovery()
    {
        await network.ResetAsync();
        var probe = KbNetwork.KbRequest();
        probe["timeouts"] = new JsonObject { ["connectSeconds"] = 1, ["commandSeconds"] = 5, ["totalSeconds"] = 10 };
        var request = new JsonObject
        {
            ["name"] = "corp-mx-inside-outside",
            ["probe"] = probe,
            ["schedule"] = new JsonObject { ["every"] = "2s" },
        };
        using var created = await network.Hub.Http.PostAsync("/api/v1/monitors", new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"), Ct);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetString();
        try
        {
            // Both vantage points seen passing first.
            await Eventually.ReadAsync(() => network.Hub.GetJsonAsync($"/api/v1/monitors/{id}"),
                m => m.GetProperty("vantagePoints").GetArrayLength() == 2 && m.GetProperty("vantagePoints").EnumerateArray().All(v => v.GetProperty("lastVerdict").GetString() == "passed"),
                TimeSpan.FromSeconds(30), Poll);

            await network.Topology.Firewall.DropInboundAsync(25);
            var failing = await Eventually.ReadAsync(() => network.Hub.GetJsonAsync($"/api/v1/monitors/{id}/alerts"), a => a.GetArrayLength() >= 1, TimeSpan.FromSeconds(30), Poll);
            var outsideSeries = await network.Hub.Http.GetStringAsync("/metrics", Ct);
            await network.Topology.Firewall.AllowAllAsync();
            var alerts = await Eventually.ReadAsync(() => network.Hub.GetJsonAsync($"/api/v1/monitors/{id}/alerts"), a => a.GetArrayLength() >= 2, TimeSpan.FromSeconds(30), Poll);

            var alert = failing[0].GetProperty("alert");
            Assert.Equal("insidePassesOutsideFails", alert.GetProperty("kind").GetString());
            Assert.Equal("path.inbound_filtered", alert.GetProperty("finding").GetProperty("code").GetString());
            Assert.Equal("connect.timeout", alert.GetProperty("diagnosis").GetProperty("code").GetString());
            Assert.Contains("""smtpprobehub_monitor_success{monitor="corp-mx-inside-outside",agent="outside-1",zone="outside"} 0""", outsideSeries, StringComparison.Ordinal);
            Assert.Contains("""smtpprobehub_monitor_success{monitor="corp-mx-inside-outside",agent="inside-1",zone="inside"} 1""", outsideSeries, StringComparison.Ordinal);
            // Newest first: the recovery after the one failing alert, and nothing else.
            Assert.Equal(["recovered", "insidePassesOutsideFails"], alerts.EnumerateArray().Select(a => a.GetProperty("alert").GetProperty("kind").GetString()));
            Assert.Equal("outside-1", alerts[0].GetProperty("alert").GetProperty("agents")[0].GetProperty("name").GetString());
        }
        finally
        {
            // The network is shared by the class's scenarios: the monitor must not keep probing during the next one.
            await network.Hub.Http.DeleteAsync($"/api/v1/monitors/{id}", CancellationToken.None);
            await network.ResetAsync();
        }
    }
}
