using System.Text;
using SmtpProbeHub.Probe.Diagnostics;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Validation;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>
/// MAIL FROM with the parameters the server advertises: SIZE=, SMTPUTF8, and the DSN's RET= and ENVID=
/// (RFC 3461) — when DSN is not advertised, the step says so and they are left out.
/// </summary>
internal static class MailStep
{
    public static async Task<bool> RunAsync(ProbeSession session, CancellationToken cancellationToken)
    {
        var plan = session.Plan;
        var capabilities = session.Capabilities;
        var scope = session.Begin(StepName.Mail);
        var international = !plan.To.Append(plan.From).Append(plan.Dsn?.ReturnPath ?? "").All(Syntax.IsAscii);
        if (international && !capabilities.SmtpUtf8)
        {
            const string why = "an address has non-ASCII characters and the server does not advertise SMTPUTF8: MAIL not sent";
            session.Transcript.Info(why);
            session.End(scope, StepOutcome.Error, detail: why, diagnosisCode: DiagnosisCodes.InputSmtpUtf8Unsupported);
            return false;
        }

        session.Message = MessageComposer.Compose(plan, session.Time.GetUtcNow(), international);
        // A confirming probe's report must come back to the hub, not to the From header's address.
        var command = new StringBuilder($"MAIL FROM:<{plan.Dsn?.ReturnPath ?? plan.From}>");
        if (capabilities.Size is not null)
        {
            command.Append(" SIZE=").Append(session.Message.Size);
        }

        if (international)
        {
            command.Append(" SMTPUTF8");
        }

        string? detail = null;
        if (plan.Dsn is { } dsn && (dsn.Ret is not null || dsn.EnvId is not null))
        {
            if (capabilities.Dsn)
            {
                if (dsn.Ret is { } ret)
                {
                    command.Append(" RET=").Append(ret == DsnRet.Full ? "FULL" : "HDRS");
                }

                if (dsn.EnvId is { } envId)
                {
                    command.Append(" ENVID=").Append(XText.Encode(envId));
                }
            }
            else
            {
                detail = "server does not advertise DSN: RET/ENVID not sent";
                session.Transcript.Info(detail);
            }
        }

        var exchange = await CommandExchange.SendLineAsync(session, scope, command.ToString(), null, session.CommandTimeout, cancellationToken).ConfigureAwait(false);
        return CommandExchange.Finish(session, scope, exchange, code => code == 250, detail);
    }
}
