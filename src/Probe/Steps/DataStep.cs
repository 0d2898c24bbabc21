using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>DATA (354 expected), then the message: headers and body, dot-stuffed, ended by "." (250 and a queue id).</summary>
internal static class DataStep
{
    public static async Task<bool> RunDataAsync(ProbeSession session, CancellationToken cancellationToken)
    {
        var scope = session.Begin(StepName.Data);
        var exchange = await CommandExchange.SendLineAsync(session, scope, "DATA", null, session.CommandTimeout, cancellationToken).ConfigureAwait(false);
        return CommandExchange.Finish(session, scope, exchange, code => code == 354);
    }

    public static async Task<bool> RunMessageAsync(ProbeSession session, CancellationToken cancellationToken)
    {
        var message = session.Message!;
        var scope = session.Begin(StepName.Message);
        scope.Command = ".";
        var exchange = await CommandExchange.RunAsync(
            session,
            scope,
            async (connection, ct) =>
            {
                await connection.SendDataAsync(message.Data, message.Lines, ct).ConfigureAwait(false);
                return ".";
            },
            TimeSpan.FromSeconds(session.Plan.Timeouts.MessageSeconds),
            cancellationToken).ConfigureAwait(false);
        var ok = CommandExchange.Finish(session, scope, exchange, code => code == 250, $"{message.Lines.Count - 1} lines, {message.Size} bytes, Message-ID <{message.MessageId}>");
        if (ok && exchange.Reply is { } reply)
        {
            session.QueueId = QueueIdParser.Parse(reply.Text);
        }

        return ok;
    }
}
