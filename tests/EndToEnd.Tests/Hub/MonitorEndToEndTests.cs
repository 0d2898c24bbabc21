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

        var before = await Eventually.ReadAsync(() => ProbesAsync(hub, id!), p => p.Count(Passed) >= 4);
        Assert.All(before.Where(p => p.GetProperty("status").GetString() == "completed"), p => Assert.True(Passed(p), p.ToString()));
        var metrics = await hub.Http.GetStringAsync("/metrics", Ct);
        Assert.Contains("""smtpprobehub_monitor_success{monitor="postfix",agent="hub",zone="hub"} 1""", metrics, StringComparison.Ordinal);
        Assert.Contains("""smtpprobehub_monitor_step_duration_seconds{monitor="postfix",agent="hub",zone="hub",step="rcpt"}""", metrics, StringComparison.Ordinal);

        // kill -9 mid-schedule, then back on the same data: the slots of the restart's own second or two are missed.
        await hub.KillAsync();
        var down = DateTimeOffset.UtcNow;
        await hub.StartAgainAsync();
        var after = (await Eventually.ReadAsync(() => ProbesAsync(hub, id!), p => p.Count(x => Created(x) > down && Passed(x)) >= 4))
            .Where(p => Created(p) > down).ToList();

        // One probe per slot: a probe's creation can lag its slot (a busy machine), so slots are not read back from
        // creation times; instead no stretch holds more probes than slots. A doubled claim fires two probes per slot, a
        // storm fires every missed slot at once after the restart. Allowed beyond one per second: one probe whose slot
        // began before the stretch (lag), and after the restart one catch-up run for the slots missed while down.
        AssertAtMostOnePerSlot(before, extra: 1);
        AssertAtMostOnePerSlot(after, extra: 2);
        var catchUp = Created(after.MinBy(Created));
        Assert.True(after.Count(p => Created(p) < catchUp.AddSeconds(1)) <= 3, "a storm of missed slots after the restart: " + Times(after));
    }

    private static void AssertAtMostOnePerSlot(List<JsonElement> probes, int extra)
    {
        var span = Created(probes.MaxBy(Created)) - Created(probes.MinBy(Created));
        var slots = (int)Math.Ceiling(span.TotalSeconds) + 1;
        Assert.True(probes.Count <= slots + extra, $"{probes.Count} probes for {slots} one-second slots: {Times(probes)}");
    }

    private static string Times(IEnumerable<JsonElement> probes) =>
        string.Join(", ", probes.Select(Created).Order().Select(c => c.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture)));

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
