using System.Diagnostics;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Probe.Tests.Hostile;

/// <summary>Each hostile server ends the probe with a named outcome within its timeout (a liveness bound, not a benchmark).</summary>
public sealed class HostileServerTests
{
    private static ProbePlan Plan(ScriptedSmtpServer server, double banner = 5, double command = 5, double total = 30) =>
        Probes.PlanFor(server) with
        {
            Timeouts = new ProbeTimeouts { ConnectSeconds = 5, BannerSeconds = banner, CommandSeconds = command, MessageSeconds = 5, TotalSeconds = total },
        };

    private static async Task<(ProbeResult Result, TimeSpan Elapsed)> TimedAsync(ProbePlan plan, ProbeEngineOptions? options = null)
    {
        var watch = Stopwatch.StartNew();
        var result = await Probes.RunAsync(plan, options);
        return (result, watch.Elapsed);
    }

    [Fact]
    public async Task NeverAnswers_BannerTimesOutWithinItsTimeout()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.Banner = ScriptedReply.Never());

        var (result, elapsed) = await TimedAsync(Plan(server, banner: 1));

        Assert.Equal(StepName.Banner, result.FailedStep);
        Assert.Equal(StepOutcome.Timeout, result.Step(StepName.Banner).Outcome);
        Assert.Equal("banner.timeout", result.Diagnosis!.Code);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(3));
        Assert.InRange(result.Step(StepName.Banner).ElapsedMs, 900, 2000);
    }

    [Fact]
    public async Task TricklesOneBytePerSecond_TimesOutTheStep()
    {
        await using var server = ScriptedSmtpServer.Start(s =>
            s.On("EHLO", ScriptedReply.Trickle("250-scripted.test Hello\r\n250 PIPELINING\r\n", TimeSpan.FromSeconds(1))));

        var (result, elapsed) = await TimedAsync(Plan(server, command: 2));

        Assert.Equal(StepName.Ehlo, result.FailedStep);
        Assert.Equal("ehlo.timeout", result.Diagnosis!.Code);
        Assert.True(elapsed < TimeSpan.FromSeconds(4), $"took {elapsed}");
    }

    [Fact]
    public async Task ClosesMidReply_IsConnectionClosed()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.On("EHLO", ScriptedReply.CloseMidReply()));

        var (result, elapsed) = await TimedAsync(Plan(server));

        Assert.Equal(StepName.Ehlo, result.FailedStep);
        Assert.Equal(StepOutcome.Error, result.Step(StepName.Ehlo).Outcome);
        Assert.Equal("connection.closed", result.Diagnosis!.Code);
        Assert.Contains(result.Transcript, t => t.Direction == TranscriptDirection.Received && t.Text == "250-scripted.test Hello");
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"took {elapsed}");
    }

    [Fact]
    public async Task ClosesWithoutAnswer_IsConnectionClosed()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.On("MAIL", ScriptedReply.Close()));

        var (result, _) = await TimedAsync(Plan(server));

        Assert.Equal(StepName.Mail, result.FailedStep);
        Assert.Equal("connection.closed", result.Diagnosis!.Code);
    }

    [Fact]
    public async Task OneMegabyteLine_IsReplyTooLong_Quickly()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.On("EHLO", ScriptedReply.HugeLine()));

        var (result, elapsed) = await TimedAsync(Plan(server));

        Assert.Equal(StepName.Ehlo, result.FailedStep);
        Assert.Equal("protocol.reply_too_long", result.Diagnosis!.Code);
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"took {elapsed}");
        Assert.DoesNotContain(result.Transcript, t => t.Text.Length > 5000);
    }

    [Fact]
    public async Task EndlessMultiLineReply_IsReplyTooLong()
    {
        var lines = Enumerable.Repeat("250-more", 1000).Append("250 end").ToArray();
        await using var server = ScriptedSmtpServer.Start(s => s.On("EHLO", ScriptedReply.Lines(lines)));

        var (result, _) = await TimedAsync(Plan(server));

        Assert.Equal("protocol.reply_too_long", result.Diagnosis!.Code);
    }

    [Fact]
    public async Task TotalTimeout_EndsTheStepInProgress_AsProbeTimeout()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.On("RCPT", ScriptedReply.Never()));

        var (result, elapsed) = await TimedAsync(Plan(server, command: 20, total: 1.5));

        Assert.Equal(StepName.Rcpt, result.FailedStep);
        Assert.Equal(StepOutcome.Timeout, result.Step(StepName.Rcpt).Outcome);
        Assert.Equal("probe.timeout", result.Diagnosis!.Code);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(3.5));
    }

    [Fact]
    public async Task SlowButWithinTimeout_Passes()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.Banner = ScriptedReply.Lines("220 slow.test ESMTP").After(TimeSpan.FromMilliseconds(300)));

        var (result, _) = await TimedAsync(Plan(server, banner: 2));

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.True(result.Step(StepName.Banner).ElapsedMs >= 250);
    }

    [Fact]
    public async Task CallerCancellation_Throws_AndDoesNotHang()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.Banner = ScriptedReply.Never());
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Probes.Runner().RunAsync(Plan(server), null, cts.Token));
    }

    [Fact]
    public async Task UnsolicitedReply_IsAProtocolViolation_AndTheCommandIsNotSent()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.Banner = ScriptedReply.Lines("220 scripted.test ESMTP", "250 2.0.0 nobody asked"));

        var (result, _) = await TimedAsync(Plan(server));

        Assert.Equal(StepName.Ehlo, result.FailedStep);
        Assert.Equal("protocol.violation", result.Diagnosis!.Code);
        Assert.Empty(server.ReceivedCommands);
    }
}
