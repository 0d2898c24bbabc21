using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using SmtpProbeHub.Api.Returns;
using SmtpProbeHub.Api.Returns.Receiver;
using SmtpProbeHub.Api.Tests.Support;
using SmtpProbeHub.TestSupport.Scripted;
using SmtpProbeHub.TestSupport.Smtp;

namespace SmtpProbeHub.Api.Tests.Returns;

/// <summary>
/// The return-path receiver as a stranger sees it: only DSNs (null sender), only to return addresses of known runs,
/// only with the ENVID of that run; never a relay. What it refuses is not stored.
/// </summary>
public sealed class DsnReceiverTests : IAsyncLifetime
{
    private readonly HubFactory _hub = new(settings: new()
    {
        ["Hub:Returns:Domain"] = DsnTestbed.ReturnDomain,
        ["Hub:Returns:Listen"] = "127.0.0.1:0",
    });

    private readonly ScriptedSmtpServer _smtp = ScriptedSmtpServer.Start();

    private IPEndPoint Receiver => _hub.Services.GetRequiredService<ReturnPathReceiver>().LocalEndPoint!;

    private ReturnAddresses Addresses => _hub.Services.GetRequiredService<ReturnAddresses>();

    public ValueTask InitializeAsync()
    {
        _ = _hub.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task Receiver_OtherDomain_Refuses550_571_NeverARelay()
    {
        await using var smtp = await OpenAsync();

        Assert.StartsWith("250", (await smtp.SendAsync("MAIL FROM:<>"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("550 5.7.1", (await smtp.SendAsync("RCPT TO:<someone@elsewhere.test>"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("550 5.7.1", (await smtp.SendAsync("RCPT TO:<someone@returns.test.elsewhere.test>"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receiver_NonNullSender_Refuses550_571()
    {
        await using var smtp = await OpenAsync();

        Assert.StartsWith("550 5.7.1", (await smtp.SendAsync("MAIL FROM:<mailer-daemon@corp.test>"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receiver_ForgedOrUnknownReturnAddress_Refuses550_511()
    {
        var runId = await CompletedConfirmingRunAsync();
        var genuine = Addresses.For(runId);
        var forgedTag = genuine[..(genuine.IndexOf('.', StringComparison.Ordinal) + 1)] + new string('0', 20) + "@" + DsnTestbed.ReturnDomain;
        await using var smtp = await OpenAsync();
        await smtp.SendAsync("MAIL FROM:<>");

        // The genuine address is taken whatever its case (an MTA may change it); the session ends after three refusals.
        Assert.StartsWith("250", (await smtp.SendAsync($"RCPT TO:<{genuine.ToUpperInvariant()}>"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("550 5.1.1", (await smtp.SendAsync($"RCPT TO:<{forgedTag}>"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("550 5.1.1", (await smtp.SendAsync($"RCPT TO:<probe+{runId:n}@{DsnTestbed.ReturnDomain}>"))[^1], StringComparison.Ordinal);
        // A well-made address of a run that does not exist.
        Assert.StartsWith("550 5.1.1", (await smtp.SendAsync($"RCPT TO:<{Addresses.For(Guid.CreateVersion7())}>"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receiver_ReportWithAnotherEnvid_IsRefusedAndNotStored_TheGenuineOneIsDelivered()
    {
        var runId = await CompletedConfirmingRunAsync();

        var forged = await SendAsync(Addresses.For(runId), Dsns.Report(Guid.CreateVersion7().ToString(), "alice@corp.test"));
        var notADsn = await SendAsync(Addresses.For(runId), "Subject: hello\r\n\r\nnot a report");

        Assert.StartsWith("550 5.7.1", forged, StringComparison.Ordinal);
        Assert.StartsWith("550 5.6.0", notADsn, StringComparison.Ordinal);
        var pending = await RunAsync();
        Assert.Equal("pending", pending.GetProperty("delivery").GetProperty("state").GetString());
        Assert.Equal(0, pending.GetProperty("delivery").GetProperty("reports").GetArrayLength());

        var genuine = await SendAsync(Addresses.For(runId), Dsns.Report(runId.ToString(), "alice@corp.test"));

        Assert.StartsWith("250", genuine, StringComparison.Ordinal);
        var delivery = (await RunAsync()).GetProperty("delivery");
        Assert.Equal("delivered", delivery.GetProperty("state").GetString());
        Assert.Equal(1, delivery.GetProperty("reports").GetArrayLength());
        Assert.Equal("next.corp.test", delivery.GetProperty("recipients")[0].GetProperty("remoteMta").GetString());
    }

    [Fact]
    public async Task Receiver_OverItsRate_Defers421_AndProbesStillRun()
    {
        await using var hub = new HubFactory(settings: new()
        {
            ["Hub:Returns:Domain"] = DsnTestbed.ReturnDomain,
            ["Hub:Returns:Listen"] = "127.0.0.1:0",
            ["Hub:Returns:MessagesPerMinute"] = "2",
        });
        var client = hub.CreateClient();
        var receiver = hub.Services.GetRequiredService<ReturnPathReceiver>().LocalEndPoint!;

        var replies = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            await using var smtp = await RawSmtp.ConnectAsync(receiver);
            await smtp.ReadReplyAsync();
            await smtp.SendAsync("EHLO junk.test");
            replies.Add((await smtp.SendAsync("MAIL FROM:<>"))[^1]);
        }

        Assert.All(replies.Take(2), r => Assert.StartsWith("250", r, StringComparison.Ordinal));
        Assert.StartsWith("421 4.7.0", replies[2], StringComparison.Ordinal);
        var probe = await client.PostJsonAsync("/api/v1/probes?wait=30", $$"""{"server":"127.0.0.1","port":{{_smtp.Port}},"tls":"none","to":["alice@corp.test"]}""");
        Assert.Equal("passed", (await probe.JsonAsync()).GetProperty("runs")[0].GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Receiver_MessageOverItsSize_IsRefusedAtMail()
    {
        await using var hub = new HubFactory(settings: new()
        {
            ["Hub:Returns:Domain"] = DsnTestbed.ReturnDomain,
            ["Hub:Returns:Listen"] = "127.0.0.1:0",
            ["Hub:Returns:MaxMessageBytes"] = "4096",
        });
        _ = hub.CreateClient();
        await using var smtp = await RawSmtp.ConnectAsync(hub.Services.GetRequiredService<ReturnPathReceiver>().LocalEndPoint!);
        await smtp.ReadReplyAsync();

        Assert.Contains((await smtp.SendAsync("EHLO mx.corp.test")), l => l.Contains("SIZE 4096", StringComparison.Ordinal));
        Assert.StartsWith("552", (await smtp.SendAsync("MAIL FROM:<> SIZE=100000"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receiver_WithACertificate_OffersStartTls()
    {
        var pfx = Path.Combine(_hub.DataDirectory, "returns.pfx");
        await File.WriteAllBytesAsync(pfx, TestCertificates.CreateSelfSigned("returns.test").Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx), TestContext.Current.CancellationToken);
        await using var hub = new HubFactory(settings: new()
        {
            ["Hub:Returns:Domain"] = DsnTestbed.ReturnDomain,
            ["Hub:Returns:Listen"] = "127.0.0.1:0",
            ["Hub:Returns:CertificatePath"] = pfx,
        });
        _ = hub.CreateClient();
        await using var smtp = await RawSmtp.ConnectAsync(hub.Services.GetRequiredService<ReturnPathReceiver>().LocalEndPoint!);
        await smtp.ReadReplyAsync();

        Assert.Contains((await smtp.SendAsync("EHLO mx.corp.test")), l => l.Contains("STARTTLS", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Confirm_NoReportWithinTheWait_EndsNoReport_AndTheEventStreamEnds()
    {
        var clock = new WaitWatchingClock(new FakeTimeProvider(DateTimeOffset.UtcNow));
        await using var hub = new HubFactory(settings: new()
        {
            ["Hub:Returns:Domain"] = DsnTestbed.ReturnDomain,
            ["Hub:Returns:Listen"] = "127.0.0.1:0",
        })
        {
            ExtraServices = services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(clock);
            },
        };
        var client = hub.CreateClient();
        var created = await (await client.PostJsonAsync("/api/v1/probes", Confirming(_smtp.Port))).JsonAsync();
        var response = await client.GetAsync($"/api/v1/probes/{created.GetProperty("id").GetString()}/events", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        while (await sse.NextAsync(TestContext.Current.CancellationToken) is { } e && !(e.Type == "run" && e.Data.GetProperty("status").GetString() == "completed"))
        {
        }

        // The scripted server sends no report: once the wait (300 s) is over, the stream ends with noReport.
        await clock.DeliveryWaitStarted.WaitAsync(TestContext.Current.CancellationToken);
        clock.Fake.Advance(TimeSpan.FromSeconds(301));
        var rest = await sse.ReadToEndAsync(TestContext.Current.CancellationToken);

        var end = Assert.Single(rest, e => e.Type == "end").Data;
        var delivery = end.GetProperty("runs")[0].GetProperty("delivery");
        Assert.Equal("noReport", delivery.GetProperty("state").GetString());
        Assert.Equal("noReport", delivery.GetProperty("recipients")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Confirm_ServerWithoutDsn_IsNotRequestedWithTheReason()
    {
        await using var noDsn = ScriptedSmtpServer.Start(s => s.Capabilities.Remove("DSN"));

        var response = await _hub.CreateClient().PostJsonAsync("/api/v1/probes?wait=30", Confirming(noDsn.Port));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var delivery = (await response.JsonAsync()).GetProperty("runs")[0].GetProperty("delivery");
        Assert.Equal("notRequested", delivery.GetProperty("state").GetString());
        Assert.Contains("does not advertise DSN", delivery.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirm_HubWithoutReceiver_Returns400NamingDsnConfirm()
    {
        await using var hub = new HubFactory();

        var response = await hub.CreateClient().PostJsonAsync("/api/v1/probes", Confirming(_smtp.Port));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("dsn.confirm", out _));
        Assert.Equal(0, _smtp.ConnectionCount);
    }

    private Guid _probeId;

    /// <summary>A confirming probe against the scripted server (which sends no report), once its run has completed.</summary>
    private async Task<Guid> CompletedConfirmingRunAsync()
    {
        var client = _hub.CreateClient();
        var created = await (await client.PostJsonAsync("/api/v1/probes", Confirming(_smtp.Port))).JsonAsync();
        _probeId = created.GetProperty("id").GetGuid();
        var response = await client.GetAsync($"/api/v1/probes/{_probeId}/events", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        while (await sse.NextAsync(TestContext.Current.CancellationToken) is { } e)
        {
            if (e.Type == "run" && e.Data.GetProperty("status").GetString() == "completed")
            {
                return e.Data.GetProperty("id").GetGuid();
            }
        }

        throw new InvalidOperationException("The event stream ended before the run completed.");
    }

    private async Task<JsonElement> RunAsync() =>
        (await (await _hub.CreateClient().GetAsync($"/api/v1/probes/{_probeId}", TestContext.Current.CancellationToken)).JsonAsync()).GetProperty("runs")[0];

    private async Task<RawSmtp> OpenAsync()
    {
        var smtp = await RawSmtp.ConnectAsync(Receiver);
        await smtp.ReadReplyAsync();
        await smtp.SendAsync("EHLO mx.corp.test");
        return smtp;
    }

    /// <summary>One DSN transaction; the reply to the end of the data.</summary>
    private async Task<string> SendAsync(string returnAddress, string message)
    {
        await using var smtp = await OpenAsync();
        await smtp.SendAsync("MAIL FROM:<>");
        await smtp.SendAsync($"RCPT TO:<{returnAddress}>");
        await smtp.SendAsync("DATA");
        return (await smtp.SendAsync(message + "\r\n."))[^1];
    }

    private static string Confirming(int port) =>
        $$$"""{"server":"127.0.0.1","port":{{{port}}},"tls":"none","to":["alice@corp.test"],"dsn":{"notify":["success","failure"],"confirm":true,"waitSeconds":300}}""";

    /// <summary>
    /// The hub's clock: fake time, and a signal once the delivery stage waits for the end of a run's 300 s wait (a
    /// timer of 200–300 s; the hub's others are shorter or longer), so the test advances time only once it is waited on.
    /// </summary>
    private sealed class WaitWatchingClock(FakeTimeProvider fake) : TimeProvider
    {
        private readonly TaskCompletionSource _deliveryWait = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public FakeTimeProvider Fake => fake;

        public Task DeliveryWaitStarted => _deliveryWait.Task;

        public override DateTimeOffset GetUtcNow() => fake.GetUtcNow();

        public override long GetTimestamp() => fake.GetTimestamp();

        public override long TimestampFrequency => fake.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => fake.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = fake.CreateTimer(callback, state, dueTime, period);
            if (dueTime > TimeSpan.FromSeconds(200) && dueTime <= TimeSpan.FromSeconds(300))
            {
                _deliveryWait.TrySetResult();
            }

            return timer;
        }
    }
}
