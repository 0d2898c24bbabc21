using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>EHLO and its capabilities; HELO as the fallback when EHLO gets a 5xx (the KB's note on HELO).</summary>
internal static class EhloStep
{
    public static async Task<bool> RunAsync(ProbeSession session, CancellationToken cancellationToken)
    {
        var helo = session.HeloName;
        var scope = session.Begin(StepName.Ehlo);
        var exchange = await CommandExchange.SendLineAsync(session, scope, $"EHLO {helo}", null, session.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (exchange.Reply is { Code: 250 } ok)
        {
            session.Capabilities = EhloParser.Parse(ok);
            session.End(scope, StepOutcome.Ok, ok);
            return true;
        }

        if (exchange.Reply is not { IsPermanentNegative: true } refused)
        {
            return CommandExchange.Finish(session, scope, exchange, code => code == 250);
        }

        session.End(scope, StepOutcome.Rejected, refused, "EHLO refused: falling back to HELO (no ESMTP extensions)", countsAsFailure: false);
        var heloScope = session.Begin(StepName.Helo);
        var heloExchange = await CommandExchange.SendLineAsync(session, heloScope, $"HELO {helo}", null, session.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (!CommandExchange.Finish(session, heloScope, heloExchange, code => code == 250))
        {
            return false;
        }

        session.Capabilities = new EhloCapabilities { ServerName = EhloParser.Parse(heloExchange.Reply!).ServerName };
        return true;
    }
}
