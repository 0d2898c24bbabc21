using Polly.Timeout;
using SmtpProbeHub.Probe.Connect;
using SmtpProbeHub.Probe.Dialog;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Resolution;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>
/// The KB 153119 sequence in order: resolve, connect, banner, EHLO (HELO), STARTTLS, AUTH, MAIL, RCPT, DATA,
/// message, QUIT. Stops at the first failure or after <see cref="ProbePlan.QuitAfter"/>, and still says QUIT.
/// </summary>
internal sealed class ProbeSequence(ProbeSession session, MxResolver resolver)
{
    private ProbePlan Plan => session.Plan;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!await ResolveAndConnectAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var completed = await DialogAsync(cancellationToken).ConfigureAwait(false);
        await QuitStep.RunAsync(session, afterFailure: !completed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when the dialog may go on; false when it failed or quitAfter stops it (a QUIT follows in both cases).</summary>
    private async Task<bool> DialogAsync(CancellationToken ct)
    {
        if (Plan.Tls == TlsMode.Implicit && !await StartTlsStep.RunImplicitAsync(session, ct).ConfigureAwait(false))
        {
            return false;
        }

        if (!await BannerStep.RunAsync(session, ct).ConfigureAwait(false) || Stop(StepName.Ehlo)
            || !await EhloStep.RunAsync(session, ct).ConfigureAwait(false) || Stop(StepName.Starttls)
            || !await StartTlsIfAskedAsync(ct).ConfigureAwait(false) || Stop(StepName.Auth))
        {
            return !FailedNow;
        }

        if ((Plan.Auth is { } auth && !await AuthStep.RunAsync(session, auth, ct).ConfigureAwait(false)) || Stop(StepName.Mail)
            || !await MailStep.RunAsync(session, ct).ConfigureAwait(false) || Stop(StepName.Rcpt)
            || !await RcptStep.RunAsync(session, ct).ConfigureAwait(false))
        {
            return !FailedNow;
        }

        if (session.AcceptedRecipients == 0)
        {
            session.Transcript.Info("No recipient was accepted: DATA not sent");
            return false;
        }

        if (Stop(StepName.Data) || !await DataStep.RunDataAsync(session, ct).ConfigureAwait(false))
        {
            return !FailedNow;
        }

        if (Plan.QuitAfter == StepName.Data)
        {
            // After 354 every line is message text, QUIT included: the only way to send nothing is to hang up.
            session.Transcript.Info("quitAfter data: closing the connection without sending a message");
            session.InSync = false;
            return true;
        }

        return await DataStep.RunMessageAsync(session, ct).ConfigureAwait(false);
    }

    private bool FailedNow => session.FailedStep is not null;

    private bool Stop(StepName next)
    {
        if (next <= Plan.QuitAfter)
        {
            return false;
        }

        session.Transcript.Info($"quitAfter {Plan.QuitAfter.ToString().ToLowerInvariant()}: stopping before {next.ToString().ToLowerInvariant()}");
        return true;
    }

    private async Task<bool> StartTlsIfAskedAsync(CancellationToken ct)
    {
        if (Plan.Tls is TlsMode.None or TlsMode.Implicit)
        {
            return true;
        }

        if (!session.Capabilities.StartTls)
        {
            var scope = session.Begin(StepName.Starttls);
            if (Plan.Tls == TlsMode.Required)
            {
                session.End(scope, StepOutcome.Error, detail: "TLS is required but the server does not offer STARTTLS",
                    diagnosisCode: Diagnostics.DiagnosisCodes.StarttlsNotOffered);
                return false;
            }

            session.End(scope, StepOutcome.Skipped, detail: "the server does not offer STARTTLS: the session continues unencrypted");
            return true;
        }

        return await StartTlsStep.RunAsync(session, ct).ConfigureAwait(false);
    }

    private async Task<bool> ResolveAndConnectAsync(CancellationToken ct)
    {
        var scope = session.Begin(StepName.Resolve);
        ResolveOutcome resolved;
        try
        {
            resolved = await session.Pipelines.ForSeconds(Plan.Timeouts.CommandSeconds)
                .ExecuteAsync(async t => await resolver.ResolveAsync(Plan, session.Transcript, t).ConfigureAwait(false), ct).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException)
        {
            session.End(scope, StepOutcome.Timeout, detail: "DNS did not answer in time", diagnosisCode: Diagnostics.DiagnosisCodes.DnsFailure, diagnosisDetail: "timeout");
            return false;
        }

        session.Resolution = resolved.Report;
        var port = Plan.EffectivePort;
        if (resolved.FailureCode is { } code)
        {
            var recipient = Plan.To[0];
            session.Server = new ServerEndpoint(Plan.Server ?? recipient[(recipient.LastIndexOf('@') + 1)..], null, port);
            session.End(scope, StepOutcome.Error, detail: resolved.Detail, diagnosisCode: code, diagnosisDetail: resolved.Detail);
            return false;
        }

        session.End(scope, StepOutcome.Ok, detail: string.Join(", ", resolved.Hosts.Select(h => $"{h.Name} ({string.Join(", ", h.Addresses)})")));
        if (Stop(StepName.Connect))
        {
            return false;
        }

        scope = session.Begin(StepName.Connect);
        var connected = await TcpConnector.ConnectAsync(
            resolved.Hosts, port, session.Targets, session.Pipelines.ForSeconds(Plan.Timeouts.ConnectSeconds), session.Transcript, ct).ConfigureAwait(false);
        // On failure too: the address tried is what the user (and the comparison) needs ("outside tried 192.0.2.25 and timed out").
        session.Server = new ServerEndpoint(connected.HostName, connected.Address?.ToString(), port);
        session.HostName = connected.HostName;
        if (connected.Socket is not { } socket)
        {
            var outcome = connected.FailureCode == Diagnostics.DiagnosisCodes.ConnectTimeout ? StepOutcome.Timeout : StepOutcome.Error;
            session.End(scope, outcome, detail: connected.Detail, diagnosisCode: connected.FailureCode, diagnosisDetail: connected.Detail);
            return false;
        }

        session.Connection = new SmtpConnection(new System.Net.Sockets.NetworkStream(socket, ownsSocket: true), socket, session.Transcript, session.Options);
        session.InSync = true;
        session.End(scope, StepOutcome.Ok, detail: $"{connected.Address}:{port}");
        if (Stop(StepName.Banner))
        {
            // Nothing was said yet, and a QUIT before the greeting would be answered by the greeting.
            session.InSync = false;
            return false;
        }

        return true;
    }
}
