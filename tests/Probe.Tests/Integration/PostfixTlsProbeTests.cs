using System.Security.Cryptography.X509Certificates;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.TestSupport.Postfix;

namespace SmtpProbeHub.Probe.Tests.Integration;

/// <summary>STARTTLS against Postfix with Debian's self-signed snakeoil certificate.</summary>
public sealed class PostfixTlsProbeTests(PostfixInstance postfix)
{
    private Task<ProbeResult> RunAsync(TlsMode mode, string helo) =>
        Probes.Runner().RunAsync(
            new ProbePlan { To = [postfix.KnownRecipient], Server = postfix.Host, Port = postfix.Port, Helo = helo, Tls = mode },
            cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public async Task Opportunistic_StartsTls_ReportsTheSelfSignedCertificate_AndResendsEhlo()
    {
        var helo = $"tls-{Guid.NewGuid():n}.test";
        using var snakeoil = X509CertificateLoader.LoadCertificateFromFile("/etc/ssl/certs/ssl-cert-snakeoil.pem");

        var result = await RunAsync(TlsMode.Opportunistic, helo);

        Assert.Equal(Verdict.Passed, result.Verdict);
        var starttls = result.Steps.Single(s => s.Name == StepName.Starttls);
        Assert.Equal((StepOutcome.Ok, 220), (starttls.Outcome, starttls.Reply!.Code));
        var tls = Assert.IsType<TlsReport>(result.Tls);
        Assert.Contains(tls.Protocol, new[] { "Tls12", "Tls13" });
        Assert.False(string.IsNullOrEmpty(tls.CipherSuite));
        var certificate = Assert.IsType<CertificateReport>(tls.Certificate);
        Assert.True(certificate.SelfSigned);
        // Connected by IP literal; the snakeoil certificate names the machine's host name.
        Assert.False(certificate.NameMatches);
        Assert.Equal(snakeoil.Subject, certificate.Subject);
        Assert.Equal(new DateTimeOffset(snakeoil.NotAfter.ToUniversalTime()), certificate.NotAfter.ToUniversalTime());
        Assert.InRange(certificate.DaysToExpiry, (int)(snakeoil.NotAfter.ToUniversalTime() - DateTime.UtcNow).TotalDays - 1, (int)(snakeoil.NotAfter.ToUniversalTime() - DateTime.UtcNow).TotalDays + 1);
        Assert.Contains(result.Transcript, t => t.Direction == TranscriptDirection.Tls);
        Assert.Equal(2, result.Transcript.Count(t => t.Direction == TranscriptDirection.Sent && t.Text == $"EHLO {helo}"));

        var session = await postfix.Log.WaitForSessionAsync(helo, TimeSpan.FromSeconds(10));
        Assert.True(session.Received("starttls"), session.Commands);
        Assert.Contains("ehlo=2", session.Commands);
    }

    [Fact]
    public async Task Required_SnakeoilCertificateNamesAnotherHost_FailsAtStarttls_AndStillQuits()
    {
        var result = await RunAsync(TlsMode.Required, $"tlsreq-{Guid.NewGuid():n}.test");

        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Equal(StepName.Starttls, result.FailedStep);
        Assert.Contains(result.Diagnosis!.Code, new[] { "tls.name_mismatch", "tls.untrusted" });
        Assert.False(result.Tls!.Certificate!.NameMatches);
        Assert.DoesNotContain(result.Transcript, t => t.Direction == TranscriptDirection.Sent && t.Text.StartsWith("MAIL FROM", StringComparison.Ordinal));
        Assert.Equal(StepOutcome.Ok, result.Steps.Single(s => s.Name == StepName.Quit).Outcome);
    }
}
