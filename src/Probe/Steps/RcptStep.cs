using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>
/// One RCPT TO per recipient, with NOTIFY= when a DSN is asked for and the server advertises it (the KB's
/// advanced test). A refused recipient is recorded and the next one is tried.
/// </summary>
internal static class RcptStep
{
    /// <summary>False when the dialog broke (timeout, closed); refusals return true and are counted.</summary>
    public static async Task<bool> RunAsync(ProbeSession session, CancellationToken cancellationToken)
    {
        var plan = session.Plan;
        var notify = plan.Dsn is { Notify.Count: > 0 } dsn ? string.Join(",", dsn.Notify.Select(n => n.ToString().ToUpperInvariant())) : null;
        string? detail = null;
        if (notify is not null && !session.Capabilities.Dsn)
        {
            detail = $"server does not advertise DSN: NOTIFY={notify} not sent";
            session.Transcript.Info(detail);
            notify = null;
        }

        foreach (var recipient in plan.To)
        {
            var scope = session.Begin(StepName.Rcpt);
            var command = notify is null ? $"RCPT TO:<{recipient}>" : $"RCPT TO:<{recipient}> NOTIFY={notify}";
            var exchange = await CommandExchange.SendLineAsync(session, scope, command, null, session.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (CommandExchange.Finish(session, scope, exchange, code => code is 250 or 251, detail))
            {
                session.AcceptedRecipients++;
            }
            else if (exchange.Reply is null || !session.InSync)
            {
                return false;
            }
        }

        return true;
    }
}
