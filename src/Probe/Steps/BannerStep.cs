using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>
/// Waits for the greeting: 220 expected; 554 and 421 are the server refusing this client. First bytes that cannot
/// start an SMTP reply end the step as <c>protocol.not_smtp</c> (the connection reads the first reply as the
/// greeting), and the dialog is then out of step, so not even QUIT is said to the peer.
/// </summary>
internal static class BannerStep
{
    public static async Task<bool> RunAsync(ProbeSession session, CancellationToken cancellationToken)
    {
        var scope = session.Begin(StepName.Banner);
        var exchange = await CommandExchange.RunAsync(
            session, scope, send: null, TimeSpan.FromSeconds(session.Plan.Timeouts.BannerSeconds), cancellationToken).ConfigureAwait(false);
        return CommandExchange.Finish(session, scope, exchange, code => code == 220);
    }
}
