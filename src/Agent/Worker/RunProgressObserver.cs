using SmtpProbeHub.Contracts.Mapping;
using SmtpProbeHub.Contracts.V1;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Agent.Worker;

/// <summary>Streams each step and transcript line of one run to the hub as it happens.</summary>
internal sealed class RunProgressObserver(string runId, HubOutbox outbox) : IProbeObserver
{
    public void OnTranscript(TranscriptEntry entry) =>
        outbox.TrySend(new AgentMessage { Progress = ProbeWire.ToProgress(runId, entry) });

    public void OnStep(ProbeStep step) =>
        outbox.TrySend(new AgentMessage { Progress = ProbeWire.ToProgress(runId, step) });
}
