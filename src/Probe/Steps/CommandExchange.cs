using System.Net.Sockets;
using Polly.Timeout;
using SmtpProbeHub.Probe.Diagnostics;
using SmtpProbeHub.Probe.Dialog;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>
/// Sends (optionally) and reads one reply under a Polly timeout, and turns broken transports into
/// step outcomes. Cancellation by the caller or the total timeout passes through untouched.
/// </summary>
internal static class CommandExchange
{
    public delegate Task<string?> Sender(SmtpConnection connection, CancellationToken cancellationToken);

    public static Task<Exchange> SendLineAsync(
        ProbeSession session, StepScope scope, string line, string? shownAs, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunAsync(session, scope, async (c, ct) => await c.SendAsync(line, shownAs, ct).ConfigureAwait(false), timeout, cancellationToken);

    public static async Task<Exchange> RunAsync(
        ProbeSession session, StepScope scope, Sender? send, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var connection = session.Connection ?? throw new InvalidOperationException("not connected");
        try
        {
            var reply = await session.TimeoutPipeline.ExecuteAsync(timeout, async ct =>
            {
                if (send is not null)
                {
                    scope.Command = await send(connection, ct).ConfigureAwait(false) ?? scope.Command;
                }

                return await connection.ReadReplyAsync(ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            if (reply.Code == 421)
            {
                // 421: the server closes the channel right after (RFC 5321 §3.8); no QUIT will be answered.
                session.InSync = false;
            }

            return new Exchange(reply, StepOutcome.Ok, null, null);
        }
        catch (TimeoutRejectedException)
        {
            return Broken(session, StepOutcome.Timeout, DiagnosisCodes.For(scope.Name, "timeout"), $"no complete reply within {timeout.TotalSeconds:0.###} s");
        }
        catch (SmtpProtocolException e)
        {
            return Broken(session, StepOutcome.Error, e.DiagnosisCode, e.Message);
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            var reset = e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted };
            return Broken(session, StepOutcome.Error, reset ? DiagnosisCodes.ConnectionReset : DiagnosisCodes.ConnectionClosed, e.Message);
        }
        catch (SocketException e) when (!cancellationToken.IsCancellationRequested)
        {
            return Broken(session, StepOutcome.Error, DiagnosisCodes.ConnectionReset, e.Message);
        }
    }

    private static Exchange Broken(ProbeSession session, StepOutcome outcome, string code, string detail)
    {
        session.InSync = false;
        session.Transcript.Info(detail);
        return new Exchange(null, outcome, code, detail);
    }

    /// <summary>
    /// Ends a command step: the expected reply is ok, any other reply is rejected with its diagnosis,
    /// and a broken exchange keeps its own outcome. Returns true when the expected reply came.
    /// </summary>
    public static bool Finish(ProbeSession session, StepScope scope, Exchange exchange, Func<int, bool> expected, string? detail = null)
    {
        if (exchange.Reply is not { } reply)
        {
            session.End(scope, exchange.Outcome, null, detail, exchange.FailureCode, exchange.FailureDetail);
            return false;
        }

        if (expected(reply.Code))
        {
            session.End(scope, StepOutcome.Ok, reply, detail);
            return true;
        }

        session.End(scope, StepOutcome.Rejected, reply, detail, ReplyDiagnoser.Code(scope.Name, reply), $"{scope.Command ?? scope.Name.ToString()}: {reply.Code} {reply.Text}".Trim());
        return false;
    }
}

/// <summary>A reply, or how the exchange broke.</summary>
internal sealed record Exchange(SmtpReply? Reply, StepOutcome Outcome, string? FailureCode, string? FailureDetail);
