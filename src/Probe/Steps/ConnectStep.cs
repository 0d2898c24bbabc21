using System.Net.Sockets;
using SmtpProbeHub.Probe.Connect;
using SmtpProbeHub.Probe.Diagnostics;
using SmtpProbeHub.Probe.Dialog;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>TCP connect to the resolved hosts' addresses in turn, each attempt within the connect timeout.</summary>
internal static class ConnectStep
{
    public static async Task<bool> RunAsync(ProbeSession session, CancellationToken cancellationToken)
    {
        var port = session.Plan.EffectivePort;
        var scope = session.Begin(StepName.Connect);
        var connected = await TcpConnector.ConnectAsync(
            session.Hosts, port, session.Targets, session.TimeoutPipeline, TimeSpan.FromSeconds(session.Plan.Timeouts.ConnectSeconds),
            session.Transcript, cancellationToken).ConfigureAwait(false);
        // On failure too: the address tried is what the user (and the comparison) needs ("outside tried 192.0.2.25 and timed out").
        session.Server = new ServerEndpoint(connected.HostName, connected.Address?.ToString(), port);
        session.HostName = connected.HostName;
        if (connected.Socket is not { } socket)
        {
            var outcome = connected.FailureCode == DiagnosisCodes.ConnectTimeout ? StepOutcome.Timeout : StepOutcome.Error;
            session.End(scope, outcome, detail: connected.Detail, diagnosisCode: connected.FailureCode, diagnosisDetail: connected.Detail);
            return false;
        }

        session.Connection = new SmtpConnection(new NetworkStream(socket, ownsSocket: true), socket, session.Transcript, session.Options);
        session.InSync = true;
        session.End(scope, StepOutcome.Ok, detail: $"{connected.Address}:{port}");
        return true;
    }
}
