using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>
/// RCPT TO for one recipient (the sequence runs it once per recipient, <see cref="ProbeSession.Round"/> being the
/// recipient's index), with NOTIFY= when a DSN is asked for and the server advertises it (the KB's advanced test).
/// </summary>
internal static class RcptStep
{
    /// <summary>True when the recipient was accepted.</summary>
    public static async Task<bool> RunAsync(ProbeSession session, CancellationToken cancellationToken)
    {
        var plan = session.Plan;
        var notify = plan.Dsn is { Notify.Count: > 0 } dsn ? string.Join(",", dsn.Notify.Select(n => n.ToString().ToUpperInvariant())) : null;
        string? detail = null;
        if (notify is not null && !session.Capabilities.Dsn)
        {
            detail = $"server does not advertise DSN: NOTIFY={notify} not sent";
            if (session.Round == 0)
            {
                session.Transcript.Info(detail);
            }

            notify = null;
        }

        var recipient = plan.To[session.Round];
        var scope = session.Begin(StepName.Rcpt);
        var command = notify is null ? $"RCPT TO:<{recipient}>" : $"RCPT TO:<{recipient}> NOTIFY={notify}";
        var exchange = await CommandExchange.SendLineAsync(session, scope, command, null, session.CommandTimeout, cancellationToken).ConfigureAwait(false);
        return CommandExchange.Finish(session, scope, exchange, code => code is 250 or 251, detail);
    }
}
