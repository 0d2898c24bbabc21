using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Storage;

/// <summary>
/// A stored run. A completed run carries the engine's <see cref="Result"/> as built; a run that ended
/// otherwise (canceled, timedOut, agentLost) carries the hub's diagnosis and the steps and transcript lines
/// seen before it ended. <see cref="Diagnosis"/>, <see cref="Steps"/> and <see cref="Transcript"/> answer from
/// whichever it has, so no reader chooses between the two.
/// </summary>
public sealed record RunRecord
{
    private readonly Diagnosis? _diagnosis;
    private readonly IReadOnlyList<ProbeStep> _steps = [];
    private readonly IReadOnlyList<TranscriptEntry> _transcript = [];

    public required Guid Id { get; init; }

    public required Guid ProbeId { get; init; }

    /// <summary>Order within the probe.</summary>
    public required int Ordinal { get; init; }

    public required AgentRef Agent { get; init; }

    public required RunStatus Status { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public ProbeResult? Result { get; init; }

    /// <summary>The result's diagnosis; without a result, the hub's (why the run ended without one). Set only for a run without a result.</summary>
    public Diagnosis? Diagnosis { get => Result is null ? _diagnosis : Result.Diagnosis; init => _diagnosis = value; }

    /// <summary>The result's steps; without a result, those seen before the run ended. Set only for a run without a result.</summary>
    public IReadOnlyList<ProbeStep> Steps { get => Result?.Steps ?? _steps; init => _steps = value; }

    /// <summary>The result's transcript; without a result, the lines seen before the run ended. Set only for a run without a result.</summary>
    public IReadOnlyList<TranscriptEntry> Transcript { get => Result?.Transcript ?? _transcript; init => _transcript = value; }

    /// <summary>The DSNs that came back for a confirming run, oldest first (loaded only with a probe read whole).</summary>
    public IReadOnlyList<Returns.Reports.DsnReport> Reports { get; init; } = [];

    /// <summary>True once the run has ended, whatever the way.</summary>
    public bool HasEnded => Status is not (RunStatus.Queued or RunStatus.Running);
}

/// <summary>The agent a run was given to, as it was at the time.</summary>
/// <param name="Id">Agent id.</param>
/// <param name="Name">Agent name, e.g. "hub" for the built-in agent.</param>
/// <param name="Labels">Agent labels, e.g. zone=outside.</param>
public sealed record AgentRef(string Id, string Name, IReadOnlyDictionary<string, string> Labels);
