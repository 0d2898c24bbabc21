using System.Security.Authentication;
using Polly.Timeout;
using SmtpProbeHub.Probe.Diagnostics;
using SmtpProbeHub.Probe.Dialog;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Tls;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>
/// STARTTLS (or the implicit handshake of SMTPS): the handshake, the certificate report, and the judgement.
/// Certificate problems fail the probe only in required mode; otherwise they are reported.
/// </summary>
internal static class StartTlsStep
{
    /// <summary>
    /// STARTTLS after EHLO, the handshake, then EHLO again (RFC 3207 §4.2: the client must discard what it
    /// learnt before TLS). DESIGN.md counts the second EHLO as part of this step, so a run's steps stay the
    /// KB's sequence with one <c>starttls</c> step added. Not offered: an error in required mode, else skipped.
    /// </summary>
    public static async Task<bool> RunAsync(ProbeSession session, CancellationToken cancellationToken)
    {
        var scope = session.Begin(StepName.Starttls);
        if (!session.Capabilities.StartTls)
        {
            if (session.Plan.Tls == TlsMode.Required)
            {
                session.End(scope, StepOutcome.Error, detail: "TLS is required but the server does not offer STARTTLS",
                    diagnosisCode: DiagnosisCodes.StarttlsNotOffered);
                return false;
            }

            session.End(scope, StepOutcome.Skipped, detail: "the server does not offer STARTTLS: the session continues unencrypted");
            return true;
        }

        var exchange = await CommandExchange.SendLineAsync(session, scope, "STARTTLS", null, session.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (exchange.Reply is not { Code: 220 } reply)
        {
            return CommandExchange.Finish(session, scope, exchange, code => code == 220);
        }

        return await HandshakeAsync(session, scope, reply, ehloAgain: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The handshake right after connecting, for implicit TLS (the EHLO step follows the banner).</summary>
    public static Task<bool> RunImplicitAsync(ProbeSession session, CancellationToken cancellationToken) =>
        HandshakeAsync(session, session.Begin(StepName.Starttls), null, ehloAgain: false, cancellationToken);

    private static async Task<bool> HandshakeAsync(ProbeSession session, StepScope scope, SmtpReply? reply, bool ehloAgain, CancellationToken cancellationToken)
    {
        var transcript = session.Transcript;
        transcript.Add(TranscriptDirection.Tls, $"TLS handshake with {session.HostName}…");
        TlsObservation observation;
        try
        {
            observation = await session.TimeoutPipeline.ExecuteAsync(
                TimeSpan.FromSeconds(session.Plan.Timeouts.ConnectSeconds),
                async ct => await session.Connection!.UpgradeToTlsAsync(session.HostName, ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException)
        {
            return Broken(session, scope, reply, StepOutcome.Timeout, DiagnosisCodes.For(StepName.Starttls, "timeout"), "the TLS handshake did not finish within the connect timeout");
        }
        catch (SmtpProtocolException e)
        {
            return Broken(session, scope, reply, StepOutcome.Error, e.DiagnosisCode, e.Message);
        }
        catch (Exception e) when (e is AuthenticationException or IOException && !cancellationToken.IsCancellationRequested)
        {
            var why = e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
            return Broken(session, scope, reply, StepOutcome.Error, DiagnosisCodes.TlsHandshakeFailed, why);
        }

        var now = session.Time.GetUtcNow();
        var report = TlsReportBuilder.Build(observation, session.HostName, now);
        session.Tls = report;
        Describe(transcript, report);
        var problem = TlsReportBuilder.Problem(report, observation, now);
        if (problem is not null && session.Plan.Tls == TlsMode.Required)
        {
            session.End(scope, StepOutcome.Error, reply, "certificate refused: TLS is required", problem, CertificateSummary(report));
            return false;
        }

        if (ehloAgain && !await EhloAgainAsync(session, scope, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var detail = problem is null
            ? $"{report.Protocol}, {report.CipherSuite}"
            : $"{report.Protocol}, {report.CipherSuite}; certificate problem reported, not fatal in {session.Plan.Tls.ToString().ToLowerInvariant()} mode: {problem}";
        session.End(scope, StepOutcome.Ok, reply, detail);
        return true;
    }

    private static async Task<bool> EhloAgainAsync(ProbeSession session, StepScope scope, CancellationToken cancellationToken)
    {
        // The step keeps showing the command that defines it; the EHLO line is in the transcript.
        var command = scope.Command;
        var ehlo = await CommandExchange.SendLineAsync(session, scope, $"EHLO {session.HeloName}", null, session.CommandTimeout, cancellationToken).ConfigureAwait(false);
        scope.Command = command;
        if (ehlo.Reply is { Code: 250 } capabilities)
        {
            session.Capabilities = EhloParser.Parse(capabilities);
            return true;
        }

        return CommandExchange.Finish(session, scope, ehlo, code => code == 250, "EHLO after the TLS handshake was not accepted");
    }

    private static bool Broken(ProbeSession session, StepScope scope, SmtpReply? reply, StepOutcome outcome, string code, string detail)
    {
        session.InSync = false;
        session.Transcript.Add(TranscriptDirection.Tls, $"TLS failed: {detail}");
        session.End(scope, outcome, reply, detail, code, detail);
        return false;
    }

    private static void Describe(TranscriptRecorder transcript, TlsReport report)
    {
        transcript.Add(TranscriptDirection.Tls, $"TLS established: {report.Protocol}, {report.CipherSuite}");
        if (report.Certificate is not { } c)
        {
            transcript.Add(TranscriptDirection.Tls, "No server certificate");
            return;
        }

        transcript.Add(TranscriptDirection.Tls, $"Certificate subject: {c.Subject}; issuer: {c.Issuer}{(c.SelfSigned ? " (self-signed)" : "")}");
        transcript.Add(TranscriptDirection.Tls, $"Names: {(c.SubjectAlternativeNames.Count > 0 ? string.Join(", ", c.SubjectAlternativeNames) : "(no subjectAltName)")}; name {(c.NameMatches ? "matches" : "does NOT match")}");
        transcript.Add(TranscriptDirection.Tls, $"Valid {c.NotBefore:yyyy-MM-dd} to {c.NotAfter:yyyy-MM-dd} ({c.DaysToExpiry} days left); chain {(c.ChainValid ? "valid" : "invalid: " + string.Join(", ", c.ChainErrors))}");
    }

    private static string CertificateSummary(TlsReport report) => report.Certificate is { } c
        ? $"subject {c.Subject}, issuer {c.Issuer}, valid to {c.NotAfter:yyyy-MM-dd}, chain {(c.ChainValid ? "valid" : string.Join(", ", c.ChainErrors))}, name {(c.NameMatches ? "matches" : "does not match")}"
        : "no certificate";
}
