using System.Text;
using SmtpProbeHub.Probe.Diagnostics;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>
/// AUTH PLAIN (RFC 4616) or LOGIN. The lines that carry the secret are recorded as a mask, and the secret and the
/// exact forms sent are registered with the connection before anything is sent, so a server echoing them back is
/// masked too (see <see cref="Dialog.SecretRedactor"/>).
/// </summary>
internal static class AuthStep
{
    public static async Task<bool> RunAsync(ProbeSession session, CancellationToken cancellationToken)
    {
        var auth = session.Plan.Auth ?? throw new InvalidOperationException("the plan has no AUTH credentials");
        var scope = session.Begin(StepName.Auth);
        var connection = session.Connection!;
        var mechanism = auth.Mechanism == AuthMechanism.Login ? "LOGIN" : "PLAIN";
        if (!connection.IsTls && !auth.AllowWithoutTls)
        {
            const string why = "credentials not sent: the connection is not encrypted (allowWithoutTls is off)";
            session.Transcript.Info(why);
            session.End(scope, StepOutcome.Error, detail: why, diagnosisCode: DiagnosisCodes.AuthRequiresTls, diagnosisDetail: why);
            return false;
        }

        if (!session.Capabilities.AuthMechanisms.Contains(mechanism))
        {
            var offered = session.Capabilities.AuthMechanisms.Count > 0 ? string.Join(" ", session.Capabilities.AuthMechanisms) : "none";
            var why = $"AUTH {mechanism} not sent: the server offers {offered}";
            session.Transcript.Info(why);
            session.End(scope, StepOutcome.Error, detail: why, diagnosisCode: DiagnosisCodes.AuthNotOffered, diagnosisDetail: why);
            return false;
        }

        if (!Validation.Syntax.IsAscii(auth.Username) && !session.Capabilities.SmtpUtf8)
        {
            // SASL PLAIN carries UTF-8 (RFC 4616), but many servers mangle it; without SMTPUTF8 nothing says this one
            // reads UTF-8, so a non-ASCII user name is not sent, like a non-ASCII address.
            const string why = "the AUTH user name has non-ASCII characters and the server does not advertise SMTPUTF8: credentials not sent";
            session.Transcript.Info(why);
            session.End(scope, StepOutcome.Error, detail: why, diagnosisCode: DiagnosisCodes.InputSmtpUtf8Unsupported);
            return false;
        }

        connection.RegisterSecret(auth.Password);
        return mechanism == "PLAIN"
            ? await PlainAsync(session, scope, auth, cancellationToken).ConfigureAwait(false)
            : await LoginAsync(session, scope, auth, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> PlainAsync(ProbeSession session, StepScope scope, AuthPlan auth, CancellationToken cancellationToken)
    {
        var response = Base64($"\0{auth.Username}\0{auth.Password}");
        session.Connection!.RegisterSentSecret(response);
        var exchange = await CommandExchange.SendLineAsync(session, scope, $"AUTH PLAIN {response}", $"AUTH PLAIN {Dialog.SecretRedactor.Mask}", session.CommandTimeout, cancellationToken).ConfigureAwait(false);
        return CommandExchange.Finish(session, scope, exchange, code => code == 235);
    }

    private static async Task<bool> LoginAsync(ProbeSession session, StepScope scope, AuthPlan auth, CancellationToken cancellationToken)
    {
        var exchange = await CommandExchange.SendLineAsync(session, scope, "AUTH LOGIN", null, session.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (exchange.Reply is not { Code: 334 })
        {
            return CommandExchange.Finish(session, scope, exchange, code => code == 334);
        }

        exchange = await CommandExchange.RunAsync(
            session, scope, async (c, ct) => { await c.SendAsync(Base64(auth.Username), null, ct).ConfigureAwait(false); return null; },
            session.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (exchange.Reply is not { Code: 334 })
        {
            return CommandExchange.Finish(session, scope, exchange, code => code == 334);
        }

        var password = Base64(auth.Password);
        session.Connection!.RegisterSentSecret(password);
        exchange = await CommandExchange.RunAsync(
            session, scope, async (c, ct) => { await c.SendAsync(password, Dialog.SecretRedactor.Mask, ct).ConfigureAwait(false); return null; },
            session.CommandTimeout, cancellationToken).ConfigureAwait(false);
        return CommandExchange.Finish(session, scope, exchange, code => code == 235);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
