using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Timeouts;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>QUIT, 221 expected. After a failure it is still sent, politely and briefly, when the dialog is in sync.</summary>
internal static class QuitStep
{
    public static async Task RunAsync(ProbeSession session, bool afterFailure, CancellationToken cancellationToken)
    {
        if (session.Connection is null || !session.InSync)
        {
            return;
        }

        var timeout = afterFailure && TimeoutPipeline.PoliteQuit < session.CommandTimeout ? TimeoutPipeline.PoliteQuit : session.CommandTimeout;
        var scope = session.Begin(StepName.Quit);
        var exchange = await CommandExchange.SendLineAsync(session, scope, "QUIT", null, timeout, cancellationToken).ConfigureAwait(false);
        CommandExchange.Finish(session, scope, exchange, code => code == 221, afterFailure ? "sent after the failure, to end the session politely" : null);
        session.InSync = false;
    }
}
