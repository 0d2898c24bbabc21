using Microsoft.Extensions.Time.Testing;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Probe.Tests.Timeouts;

/// <summary>Timings, timeouts and certificate ages come from the injected TimeProvider, not the wall clock.</summary>
public sealed class FakeClockTests
{
    [Fact]
    public async Task BannerTimeout_FiresWhenTheClockSaysSo_NotAfterRealSeconds()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var server = ScriptedSmtpServer.Start(s => s.Banner = ScriptedReply.Never());
        var plan = Probes.PlanFor(server) with { Timeouts = new ProbeTimeouts { ConnectSeconds = 600, BannerSeconds = 300, TotalSeconds = 3600 } };
        var started = DateTime.UtcNow;

        var run = new ProbeRunner(Probes.Loopback, clock).RunAsync(plan, null, TestContext.Current.CancellationToken);
        while (!run.IsCompleted && DateTime.UtcNow - started < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
            if (server.ConnectionCount > 0)
            {
                clock.Advance(TimeSpan.FromSeconds(30));
            }
        }

        var result = await run;
        Assert.Equal("banner.timeout", result.Diagnosis!.Code);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
        var banner = result.Step(StepName.Banner);
        // Fake time moves in 30 s jumps while the real run goes on, so the step may see a jump or two more than its timeout.
        Assert.InRange(banner.ElapsedMs, 300_000, 450_000);
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), result.Steps[0].StartedAt);
        Assert.True(result.DurationMs >= 300_000);
    }

    [Fact]
    public async Task CertificateAge_IsJudgedByTheInjectedClock()
    {
        var certificate = TestCertificates.CreateSelfSigned("mail.corp.test", null, DateTimeOffset.UtcNow.AddDays(10), System.Net.IPAddress.Loopback);
        await using var server = ScriptedSmtpServer.Start(s => s.Certificate = certificate);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(40));

        var result = await new ProbeRunner(Probes.Loopback, clock)
            .RunAsync(Probes.PlanFor(server) with { Tls = TlsMode.Required }, null, TestContext.Current.CancellationToken);

        Assert.Equal("tls.certificate_expired", result.Diagnosis!.Code);
        Assert.InRange(result.Tls!.Certificate!.DaysToExpiry, -31, -29);
    }
}
