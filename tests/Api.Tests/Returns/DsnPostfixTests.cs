using System.Net;
using System.Text.Json;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Returns;

/// <summary>
/// KB 153119's advanced test, closed, against a real Postfix: the probe asks for a DSN, Postfix sends it to the hub's
/// return-path receiver, and the run's delivery says what became of the message, with the latency.
/// </summary>
public sealed class DsnPostfixTests(DsnTestbed testbed) : IClassFixture<DsnTestbed>
{
    [Fact]
    public async Task Confirm_DeliveredMessage_EndsDeliveredWithTheReceiptAndALatency()
    {
        var run = await ProbeAsync("alice@corp.test", """["success","failure"]""");

        var delivery = run.GetProperty("delivery");
        Assert.Equal("delivered", delivery.GetProperty("state").GetString());
        Assert.StartsWith("probe+", delivery.GetProperty("returnPath").GetString(), StringComparison.Ordinal);
        var recipient = delivery.GetProperty("recipients")[0];
        Assert.Equal("alice@corp.test", recipient.GetProperty("recipient").GetString());
        Assert.Equal("delivered", recipient.GetProperty("state").GetString());
        Assert.StartsWith("2.", recipient.GetProperty("status").GetString(), StringComparison.Ordinal);
        Assert.Equal("mx.corp.test", recipient.GetProperty("reportingMta").GetString());
        Assert.True(recipient.GetProperty("latencyMs").GetDouble() > 0);
        Assert.NotEqual(JsonValueKind.Null, recipient.GetProperty("arrivalDate").ValueKind);
        Assert.Contains("report-type=delivery-status", delivery.GetProperty("reports")[0].GetProperty("raw").GetString(), StringComparison.OrdinalIgnoreCase);
        // What the probe sent: the return address as MAIL FROM, the run id as ENVID, headers only back.
        var mail = run.GetProperty("transcript").EnumerateArray().Select(t => t.GetProperty("text").GetString()!).First(t => t.StartsWith("MAIL FROM:", StringComparison.Ordinal));
        Assert.Contains($"@{DsnTestbed.ReturnDomain}>", mail, StringComparison.Ordinal);
        Assert.Contains($"ENVID={run.GetProperty("id").GetString()}", mail, StringComparison.Ordinal);
        Assert.Contains("RET=HDRS", mail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirm_RecipientAcceptedThenFailing_EndsFailedWithTheDiagnosticCode()
    {
        var run = await ProbeAsync("gone@corp.test", """["success","failure"]""");

        Assert.Equal("passed", run.GetProperty("verdict").GetString());
        var recipient = run.GetProperty("delivery").GetProperty("recipients")[0];
        Assert.Equal("failed", run.GetProperty("delivery").GetProperty("state").GetString());
        Assert.Equal("failed", recipient.GetProperty("state").GetString());
        Assert.Equal("5.1.1", recipient.GetProperty("status").GetString());
        Assert.Contains("127.0.0.1", recipient.GetProperty("remoteMta").GetString(), StringComparison.Ordinal);
        Assert.Contains("mailbox disabled after acceptance", recipient.GetProperty("diagnosticCode").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirm_DeferredWithNotifyDelay_EndsDelayed()
    {
        var run = await ProbeAsync("slow@corp.test", """["failure","delay"]""");

        var recipient = run.GetProperty("delivery").GetProperty("recipients")[0];
        Assert.Equal("delayed", recipient.GetProperty("state").GetString());
        Assert.StartsWith("4.", recipient.GetProperty("status").GetString(), StringComparison.Ordinal);
        Assert.Contains("try again later", recipient.GetProperty("diagnosticCode").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirm_EventStream_HasADeliveryEventBeforeTheEnd()
    {
        var client = testbed.Hub.CreateClient();
        var created = await (await client.PostJsonAsync("/api/v1/probes", Request("bob@corp.test", """["success"]"""))).JsonAsync();
        var response = await client.GetAsync($"/api/v1/probes/{created.GetProperty("id").GetString()}/events", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));

        var events = await sse.ReadToEndAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        var delivery = Assert.Single(events, e => e.Type == "delivery");
        Assert.Equal("delivered", delivery.Data.GetProperty("delivery").GetProperty("state").GetString());
        Assert.Equal("end", events[^1].Type);
        Assert.True(events.IndexOf(delivery) < events.Count - 1);
        Assert.Equal("delivered", events[^1].Data.GetProperty("runs")[0].GetProperty("delivery").GetProperty("state").GetString());
    }

    private async Task<JsonElement> ProbeAsync(string to, string notify)
    {
        var response = await testbed.Hub.CreateClient().PostJsonAsync("/api/v1/probes?wait=60", Request(to, notify));
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}{Environment.NewLine}{testbed.Postfix.ReadLog()}");
        return body.GetProperty("runs")[0];
    }

    private string Request(string to, string notify) =>
        $$$"""{"server":"127.0.0.1","port":{{{testbed.Postfix.Port}}},"tls":"none","to":["{{{to}}}"],"dsn":{"notify":{{{notify}}},"confirm":true,"waitSeconds":60}}""";
}
