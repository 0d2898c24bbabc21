using System.Text.Json;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Postfix;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.EndToEnd.Tests.Hub;

/// <summary>The built hub as a real process running a monitor every second against the tests' real Postfix.</summary>
public sealed class MonitorEndToEndTests(PostfixInstance postfix) : IClassFixture<PostfixInstance>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EverySecond_AgainstRealPostfix_RunsThePassingKbTest_AndAKillMidScheduleNeitherDoublesNorStorms()
    {
        await using var hub = await HubProcess.StartAsync("--Hub:Monitors:MinIntervalSeconds=1");
        var created = await hub.Http.PostAsync("/api/v1/monitors", Json($$$"""
            {"name":"postfix","probe":{"server":"{{{postfix.Host}}}","port":{{{postfix.Port}}},"tls":"none","from":"admin@test.com","to":["{{{postfix.KnownRecipient}}}"]},
             "schedule":{"every":"1s"}}
            """), Ct);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
        var monitor = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement;
        var id = monitor.GetProperty("id").GetString();
        // The monitor's slots are whole seconds shifted by its fixed jitter: nextRunAt shows the shift.
        var shiftMs = monitor.GetProperty("nextRunAt").GetDateTimeOffset().ToUnixTimeMilliseconds() % 1000;

        var before = await Eventually.ReadAsync(() => ProbesAsync(hub, id!), p => p.Count(Passed) >= 3);
        Assert.All(before.Where(p => p.GetProperty("status").GetString() == "completed"), p => Assert.True(Passed(p), p.ToString()));
        var metrics = await hub.Http.GetStringAsync("/metrics", Ct);
        Assert.Contains("""smtpprobehub_monitor_success{monitor="postfix",agent="hub",zone="hub"} 1""", metrics, StringComparison.Ordinal);
        Assert.Contains("""smtpprobehub_monitor_step_duration_seconds{monitor="postfix",agent="hub",zone="hub",step="rcpt"}""", metrics, StringComparison.Ordinal);

        // kill -9 mid-schedule, then back on the same data: the slots of the restart's own second or two are missed.
        await hub.KillAsync();
        var down = DateTimeOffset.UtcNow;
        await hub.StartAgainAsync();
        var after = await Eventually.ReadAsync(() => ProbesAsync(hub, id!), p => p.Count(x => Created(x) > down && Passed(x)) >= 2);

        // One probe per slot, neither doubled before the kill nor a storm of missed slots after it: each probe starts
        // within its slot's second (the claim comes within a poll of the slot), so no slot has two probes.
        var slots = after.Select(p => (Created(p).ToUnixTimeMilliseconds() - shiftMs) / 1000).ToList();
        Assert.True(slots.Distinct().Count() == slots.Count, string.Join(", ", after.Select(Created).Order().Select(c => c.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture))));
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static async Task<List<JsonElement>> ProbesAsync(HubProcess hub, string id)
    {
        var page = JsonDocument.Parse(await hub.Http.GetStringAsync($"/api/v1/probes?monitor={id}&pageSize=200", Ct)).RootElement;
        return [.. page.GetProperty("items").EnumerateArray().Select(p => p.Clone())];
    }

    private static bool Passed(JsonElement probe) =>
        probe.GetProperty("status").GetString() == "completed" && probe.GetProperty("runs")[0].GetProperty("verdict").GetString() == "passed";

    private static DateTimeOffset Created(JsonElement probe) => probe.GetProperty("createdAt").GetDateTimeOffset();
}
