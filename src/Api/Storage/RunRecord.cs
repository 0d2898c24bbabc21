using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Storage;

/// <summary>
/// A stored run. A completed run carries the engine's <see cref="Result"/> as built; a run that ended
/// otherwise (canceled, timedOut, agentLost) carries the hub's <see cref="Diagnosis"/> and the steps and
/// transcript lines seen before it ended.
/// </summary>
public sealed record RunRecord
{
    public required Guid Id { get; init; }

    public required Guid ProbeId { get; init; }

    /// <summary>Order within the probe.</summary>
    public required int Ordinal { get; init; }

    public required AgentRef Agent { get; init; }

    public required RunStatus Status { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public ProbeResult? Result { get; init; }

    public Diagnosis? Diagnosis { get; init; }

    public IReadOnlyList<ProbeStep> Steps { get; init; } = [];

    public IReadOnlyList<TranscriptEntry> Transcript { get; init; } = [];

    /// <summary>True once the run has ended, whatever the way.</summary>
    public bool HasEnded => Status is not (RunStatus.Queued or RunStatus.Running);
}
