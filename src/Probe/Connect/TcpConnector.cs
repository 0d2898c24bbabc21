using System.Net;
using System.Net.Sockets;
using Polly.Timeout;
using SmtpProbeHub.Probe.Diagnostics;
using SmtpProbeHub.Probe.Dialog;
using SmtpProbeHub.Probe.Resolution;
using SmtpProbeHub.Probe.Targets;
using SmtpProbeHub.Probe.Timeouts;

namespace SmtpProbeHub.Probe.Connect;

/// <summary>Tries each address of each host in turn, each attempt under its own timeout, like telnet does.</summary>
internal static class TcpConnector
{
    public static async Task<ConnectOutcome> ConnectAsync(
        IReadOnlyList<ResolvedHost> hosts, int port, TargetPolicy targets, TimeoutPipeline timeouts, TimeSpan perAttempt, TranscriptRecorder transcript, CancellationToken cancellationToken)
    {
        ConnectOutcome? worst = null;
        var attempts = new List<string>();
        foreach (var host in hosts)
        {
            foreach (var address in host.Addresses)
            {
                var endPoint = new IPEndPoint(address, port);
                if (targets.Check(address, port) is { Allowed: false } refused)
                {
                    // Checked on the resolved address, so a name, an MX answer or a rebinding DNS answer cannot lead around it.
                    transcript.Info($"Not connecting to {endPoint}: the target policy refuses it: {refused.Rule}");
                    attempts.Add($"{endPoint} not allowed: {refused.Rule}");
                    // No address: nothing was tried (the failure names no address that answered or stayed silent).
                    worst = MostTelling(worst, new ConnectOutcome(null, host.Name, null, DiagnosisCodes.TargetNotAllowed, null));
                    continue;
                }

                transcript.Info($"Trying {endPoint}…");
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await timeouts.ExecuteAsync(
                        perAttempt, async ct => await socket.ConnectAsync(endPoint, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    transcript.Info($"Connected to {host.Name} ({endPoint}).");
                    return new ConnectOutcome(socket, host.Name, address, null, null);
                }
                catch (TimeoutRejectedException)
                {
                    socket.Dispose();
                    transcript.Info($"Connecting to {endPoint}: timed out");
                    attempts.Add($"{endPoint} timed out");
                    worst = MostTelling(worst, new ConnectOutcome(null, host.Name, address, DiagnosisCodes.ConnectTimeout, null));
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    var code = e.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => DiagnosisCodes.ConnectRefused,
                        SocketError.TimedOut => DiagnosisCodes.ConnectTimeout,
                        SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown or SocketError.HostDown => DiagnosisCodes.ConnectUnreachable,
                        _ => DiagnosisCodes.ConnectFailed,
                    };
                    transcript.Info($"Connecting to {endPoint}: {e.SocketErrorCode} ({e.Message})");
                    attempts.Add($"{endPoint} {e.SocketErrorCode}");
                    worst = MostTelling(worst, new ConnectOutcome(null, host.Name, address, code, null));
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }
        }

        return (worst ?? new ConnectOutcome(null, hosts[0].Name, null, DiagnosisCodes.ConnectFailed, null)) with
        {
            Detail = attempts.Count > 0 ? string.Join("; ", attempts) : "no address to try",
        };
    }

    /// <summary>
    /// With several addresses the diagnosis follows the most telling failure: a refusal shows that something at (or
    /// on the way to) the address answered, a timeout that nothing did; unreachable and other errors say least.
    /// </summary>
    private static ConnectOutcome MostTelling(ConnectOutcome? current, ConnectOutcome candidate)
    {
        static int Rank(string? code) => code switch
        {
            DiagnosisCodes.ConnectRefused => 3,
            DiagnosisCodes.ConnectTimeout => 2,
            DiagnosisCodes.ConnectUnreachable => 1,
            DiagnosisCodes.TargetNotAllowed => -1,
            _ => 0,
        };

        return current is null || Rank(candidate.FailureCode) > Rank(current.FailureCode) ? candidate : current;
    }
}

/// <summary>
/// The connected socket, or the most telling failure: its host, the address whose attempt failed that way (null when
/// no address was tried) and its diagnosis code.
/// </summary>
internal sealed record ConnectOutcome(Socket? Socket, string HostName, IPAddress? Address, string? FailureCode, string? Detail);
