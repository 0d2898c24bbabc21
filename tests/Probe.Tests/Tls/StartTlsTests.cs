using System.Net;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Probe.Tests.Tls;

public sealed class StartTlsTests
{
    private static ScriptedSmtpServer ServerWith(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, bool implicitTls = false) =>
        ScriptedSmtpServer.Start(s => { s.Certificate = certificate; s.ImplicitTls = implicitTls; });

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 LoopbackCertificate(DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null) =>
        TestCertificates.CreateSelfSigned("mail.corp.test", notBefore, notAfter, IPAddress.Loopback);

    [Fact]
    public async Task Opportunistic_SelfSigned_IsReportedNotFatal_AndEhloIsSentAgain()
    {
        await using var server = ServerWith(LoopbackCertificate());

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Tls = TlsMode.Opportunistic });

        Assert.Equal(Verdict.Passed, result.Verdict);
        var tls = Assert.IsType<TlsReport>(result.Tls);
        Assert.StartsWith("Tls1", tls.Protocol, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(tls.CipherSuite));
        var certificate = tls.Certificate!;
        Assert.Equal("CN=mail.corp.test", certificate.Subject);
        Assert.Equal("CN=mail.corp.test", certificate.Issuer);
        Assert.Contains("mail.corp.test", certificate.SubjectAlternativeNames);
        Assert.Contains("127.0.0.1", certificate.SubjectAlternativeNames);
        Assert.True(certificate.SelfSigned);
        Assert.False(certificate.ChainValid);
        Assert.Contains("UntrustedRoot", certificate.ChainErrors);
        Assert.True(certificate.NameMatches);
        Assert.InRange(certificate.DaysToExpiry, 363, 365);
        Assert.Equal(64, certificate.Thumbprint!.Length);
        Assert.Contains("tls.untrusted", result.Step(StepName.Starttls).Detail, StringComparison.Ordinal);
        // The EHLO after the handshake belongs to the starttls step (DESIGN.md), not a second ehlo step.
        Assert.Single(result.Steps, s => s.Name == StepName.Ehlo);
        Assert.Equal(StepOutcome.Ok, result.Step(StepName.Starttls).Outcome);
        Assert.Equal("STARTTLS", result.Step(StepName.Starttls).Command);
        Assert.True(Assert.Single(server.Connections).IsTls);
        Assert.Equal(["EHLO test.com", "STARTTLS", "EHLO test.com"], server.ReceivedCommands.Take(3));
        Assert.False(result.Capabilities!.StartTls);
        Assert.Contains(result.Transcript, t => t.Direction == TranscriptDirection.Tls && t.Text.Contains("self-signed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EhloRefusedAfterHandshake_FailsTheStartTlsStep_AndSendsNoMail()
    {
        var ehloCount = 0;
        await using var server = ScriptedSmtpServer.Start(s =>
        {
            s.Certificate = LoopbackCertificate();
            s.On("EHLO", _ => Interlocked.Increment(ref ehloCount) == 1 ? null : ScriptedReply.Lines("554 5.7.1 not after TLS"));
        });

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Tls = TlsMode.Opportunistic });

        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Equal(StepName.Starttls, result.FailedStep);
        var step = result.Step(StepName.Starttls);
        Assert.Equal(StepOutcome.Rejected, step.Outcome);
        Assert.Equal(554, step.Reply!.Code);
        Assert.Equal("STARTTLS", step.Command);
        Assert.DoesNotContain(server.ReceivedCommands, c => c.StartsWith("MAIL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Opportunistic_NotOffered_SkipsStartTlsAndPasses()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Tls = TlsMode.Opportunistic });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal(StepOutcome.Skipped, result.Step(StepName.Starttls).Outcome);
        Assert.DoesNotContain("STARTTLS", server.ReceivedCommands);
        Assert.Null(result.Tls);
    }

    [Fact]
    public async Task None_NeverSendsStartTls_EvenWhenOffered()
    {
        await using var server = ServerWith(LoopbackCertificate());

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Tls = TlsMode.None });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.DoesNotContain("STARTTLS", server.ReceivedCommands);
        Assert.True(result.Capabilities!.StartTls);
    }

    [Fact]
    public async Task Required_NotOffered_FailsWithoutSendingMail_AndStillQuits()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Tls = TlsMode.Required });

        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Equal(StepName.Starttls, result.FailedStep);
        Assert.Equal("starttls.not_offered", result.Diagnosis!.Code);
        Assert.Equal(["EHLO test.com", "QUIT"], server.ReceivedCommands);
    }

    [Fact]
    public async Task Required_UntrustedCertificate_Fails_AndQuitsOverTls()
    {
        await using var server = ServerWith(LoopbackCertificate());

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Tls = TlsMode.Required });

        Assert.Equal(StepName.Starttls, result.FailedStep);
        Assert.Equal("tls.untrusted", result.Diagnosis!.Code);
        Assert.Equal(StepOutcome.Error, result.Step(StepName.Starttls).Outcome);
        Assert.NotNull(result.Tls!.Certificate);
        Assert.DoesNotContain(server.ReceivedCommands, c => c.StartsWith("MAIL", StringComparison.Ordinal));
        Assert.Equal("QUIT", server.ReceivedCommands[^1]);
        Assert.True(server.Connections[0].IsTls);
    }

    [Fact]
    public async Task Required_ExpiredCertificate_IsCertificateExpired()
    {
        var now = DateTimeOffset.UtcNow;
        await using var server = ServerWith(LoopbackCertificate(now.AddDays(-30), now.AddDays(-2)));

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Tls = TlsMode.Required });

        Assert.Equal("tls.certificate_expired", result.Diagnosis!.Code);
        Assert.True(result.Tls!.Certificate!.DaysToExpiry < 0);
    }

    [Fact]
    public async Task Required_NameMismatch_IsNameMismatch()
    {
        await using var server = ServerWith(TestCertificates.CreateSelfSigned("other.test"));

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Tls = TlsMode.Required });

        Assert.Equal("tls.name_mismatch", result.Diagnosis!.Code);
        Assert.False(result.Tls!.Certificate!.NameMatches);
    }

    [Fact]
    public async Task Implicit_HandshakesFirst_ThenBannerAndTheWholeSequence()
    {
        await using var server = ServerWith(LoopbackCertificate(), implicitTls: true);

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Tls = TlsMode.Implicit });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal([StepName.Resolve, StepName.Connect, StepName.Starttls, StepName.Banner], result.Steps.Take(4).Select(s => s.Name));
        Assert.Null(result.Step(StepName.Starttls).Command);
        Assert.NotNull(result.Tls!.Certificate);
        Assert.DoesNotContain("STARTTLS", server.ReceivedCommands);
        Assert.Equal("4ABC123DEF", result.QueueId);
    }

    [Fact]
    public async Task Implicit_DefaultPortIs465()
    {
        Assert.Equal(465, new ProbePlan { To = ["a@b.test"], Tls = TlsMode.Implicit }.EffectivePort);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task HandshakeFailure_IsTlsHandshakeFailed()
    {
        // The server says 220 to STARTTLS but never speaks TLS.
        await using var server = ScriptedSmtpServer.Start(s =>
        {
            s.Capabilities.Add("STARTTLS");
            s.On("STARTTLS", ScriptedReply.Lines("220 2.0.0 go ahead"));
        });

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Tls = TlsMode.Opportunistic, Timeouts = new ProbeTimeouts { ConnectSeconds = 3, CommandSeconds = 3 } });

        Assert.Equal(StepName.Starttls, result.FailedStep);
        Assert.Equal("tls.handshake_failed", result.Diagnosis!.Code);
        Assert.Equal(StepOutcome.Error, result.Step(StepName.Starttls).Outcome);
    }

    [Fact]
    public async Task DataSentBeforeTheHandshake_IsAProtocolViolation()
    {
        await using var server = ScriptedSmtpServer.Start(s =>
        {
            s.Certificate = LoopbackCertificate();
            s.On("STARTTLS", ScriptedReply.Lines("220 2.0.0 Ready", "250 injected before TLS"));
        });

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Tls = TlsMode.Opportunistic });

        Assert.Equal(StepName.Starttls, result.FailedStep);
        Assert.Equal("protocol.violation", result.Diagnosis!.Code);
    }

    [Fact]
    public async Task HandshakeNeverAnswered_IsStartTlsTimeout_WithinTheConnectTimeout()
    {
        await using var server = ScriptedSmtpServer.Start(s =>
        {
            s.Capabilities.Add("STARTTLS");
            s.On("STARTTLS", ScriptedReply.Lines("220 2.0.0 go ahead"));
            s.UnknownReply = ScriptedReply.Never();
        });
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Timeouts = new ProbeTimeouts { ConnectSeconds = 1, CommandSeconds = 5 } });

        Assert.Equal(StepName.Starttls, result.FailedStep);
        Assert.Equal(StepOutcome.Timeout, result.Step(StepName.Starttls).Outcome);
        Assert.Equal("starttls.timeout", result.Diagnosis!.Code);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
    }
}
