using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Tests.Support;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.Api.Tests.Monitors;

/// <summary>A monitor on a 1 s schedule with two vantage points, alerting a real webhook receiver that checks signatures.</summary>
public sealed class WebhookAlertTests
{
    private const string Secret = "webhook-secret-0123456789";

    [Fact]
    public async Task OutsideOnlyFailure_IsOneSignedAlertRetriedOn500_ThenOneRecovery_AndTheSeriesFlip()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        receiver.Answer = (_, n) => Reply.Status(n == 1 ? 500 : 200);
        await using var hub = Hub();
        var client = hub.CreateClient();
        var (inside, outside) = (new SwitchableAgent("inside-1", "inside"), new SwitchableAgent("outside-1", "outside"));
        Connect(hub, inside);
        Connect(hub, outside);
        var id = await MonitorSchedulerTests.CreateAsync(client, Monitor(receiver.Url("/hook"), """{"ids":["inside-1","outside-1"]}"""));
        await Eventually.TrueAsync(async () => (await SeriesAsync(client)).Contains(Success("outside-1", "outside", 1), StringComparison.Ordinal));

        outside.Passing = false;
        var alert = await Eventually.ReadAsync(() => Task.FromResult(receiver.To("/hook")), r => r.Count >= 2, within: TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(async () => (await SeriesAsync(client)).Contains(Success("outside-1", "outside", 0), StringComparison.Ordinal));
        outside.Passing = true;
        var recovery = await Eventually.ReadAsync(() => Task.FromResult(receiver.To("/hook")), r => r.Any(w => w.Kind == "recovered"), within: TimeSpan.FromSeconds(20));

        // The first request got 500, the retry 200: the same alert (idempotency key), signed each time.
        Assert.Equal(alert[0].IdempotencyKey, alert[1].IdempotencyKey);
        Assert.All(recovery, r => Assert.True(r.SignatureValid));
        var kinds = recovery.DistinctBy(r => r.IdempotencyKey).Select(r => r.Kind).ToList();
        Assert.Equal(["insidePassesOutsideFails", "recovered"], kinds);
        var payload = alert[0].Payload;
        Assert.Equal("path.inbound_filtered", payload.GetProperty("finding").GetProperty("code").GetString());
        Assert.Equal("connect", payload.GetProperty("failedStep").GetString());
        Assert.Equal("connect.timeout", payload.GetProperty("diagnosis").GetProperty("code").GetString());
        Assert.StartsWith("/api/v1/probes/", payload.GetProperty("probeUrl").GetString(), StringComparison.Ordinal);
        Assert.Contains("external-host case", payload.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains(Success("outside-1", "outside", 1), await SeriesAsync(client), StringComparison.Ordinal);
        Assert.Contains(Success("inside-1", "inside", 1), await SeriesAsync(client), StringComparison.Ordinal);

        var history = await Eventually.ReadAsync(() => AlertsAsync(client, id), a => a.GetArrayLength() == 2 && a.EnumerateArray().All(Delivered));
        var failing = history.EnumerateArray().Single(a => a.GetProperty("alert").GetProperty("kind").GetString() == "insidePassesOutsideFails");
        var attempts = failing.GetProperty("deliveries")[0].GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32());
        Assert.Equal([500, 200], attempts);
    }

    [Fact]
    public async Task HostileReceivers_NeitherBlockNorDelayTheOthers()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        receiver.Answer = (path, _) => path switch
        {
            "/hang" => Reply.Never(),
            "/redirect" => new Reply(302, Location: receiver.Url("/followed")),
            "/big" => new Reply(200, BodyBytes: 10 * 1024 * 1024),
            _ => Reply.Status(200),
        };
        await using var hub = Hub(attemptTimeoutSeconds: 60);
        var client = hub.CreateClient();
        Connect(hub, new SwitchableAgent("outside-1", "outside") { Passing = false });
        var hooks = new[] { "/hang", "/redirect", "/big", "/ok" }.Select(p => $$"""{"url":"{{receiver.Url(p)}}","secret":"{{Secret}}"}""");
        var id = await MonitorSchedulerTests.CreateAsync(client,
            $$$"""{"name":"hostile","probe":{"server":"127.0.0.1","to":["alice@corp.test"],"agents":{"ids":["outside-1"]}},"schedule":{"every":"1s"},"alerts":{"failuresToAlert":1},"notify":{"webhooks":[{{{string.Join(',', hooks)}}}]}}""");

        var alerts = await Eventually.ReadAsync(() => AlertsAsync(client, id), a => a.GetArrayLength() == 1
            && a[0].GetProperty("deliveries").EnumerateArray().Count(d => d.GetProperty("status").GetString() != "pending") == 3);

        var deliveries = alerts[0].GetProperty("deliveries").EnumerateArray().ToDictionary(d => new Uri(d.GetProperty("url").GetString()!).AbsolutePath, d => d.GetProperty("status").GetString());
        Assert.Equal("delivered", deliveries["/ok"]);
        Assert.Equal("delivered", deliveries["/big"]);
        Assert.Equal("failed", deliveries["/redirect"]);
        // Still waiting for the receiver that never answers, which has the request: the others were not held up by it.
        Assert.Equal("pending", deliveries["/hang"]);
        Assert.Single(receiver.To("/hang"));
        Assert.Empty(receiver.To("/followed"));
        Assert.All(receiver.Received, r => Assert.True(r.SignatureValid));
    }

    private static HubFactory Hub(double attemptTimeoutSeconds = 5) => new(new FakeRunner(), new()
    {
        // The receiver is on a loopback port: allowed here as an operator would allow an internal receiver.
        ["Hub:Monitors:MinIntervalSeconds"] = "1",
        ["Hub:Monitors:Webhooks:AllowedPorts:0"] = "1024-65535",
        ["Hub:Monitors:Webhooks:RetryDelayMilliseconds"] = "20",
        ["Hub:Monitors:Webhooks:AttemptTimeoutSeconds"] = attemptTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    private static string Monitor(string webhook, string agents) =>
        $$$"""{"name":"corp-mx","probe":{"server":"127.0.0.1","to":["alice@corp.test"],"agents":{{{agents}}}},"schedule":{"every":"1s"},"notify":{"webhooks":[{"url":"{{{webhook}}}","secret":"{{{Secret}}}"}]}}""";

    private static void Connect(HubFactory hub, IProbeAgent agent) =>
        hub.Services.GetRequiredService<AgentRegistry>().Register(agent, new AgentConnection("test-1.0", "192.0.2.10"));

    private static Task<string> SeriesAsync(HttpClient client) => client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

    private static string Success(string agent, string zone, int value) => $$"""smtpprobehub_monitor_success{monitor="corp-mx",agent="{{agent}}",zone="{{zone}}"} {{value}}""";

    private static async Task<JsonElement> AlertsAsync(HttpClient client, string id) =>
        await (await client.GetAsync($"/api/v1/monitors/{id}/alerts", TestContext.Current.CancellationToken)).JsonAsync();

    private static bool Delivered(JsonElement alert) => alert.GetProperty("deliveries").EnumerateArray().All(d => d.GetProperty("status").GetString() == "delivered");
}
