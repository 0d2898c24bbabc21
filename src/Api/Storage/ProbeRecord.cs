using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Storage;

/// <summary>A stored probe: its plan (without secrets), status and runs.</summary>
public sealed record ProbeRecord
{
    public required Guid Id { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required ProbeStatus Status { get; init; }

    /// <summary>The plan as run, with the AUTH password removed and the message body cut as <see cref="Body"/> says.</summary>
    public required ProbePlan Plan { get; init; }

    /// <summary>The whole body's size and digest and whether <see cref="Plan"/> holds only its start; null: the body is whole (<see cref="StoredBody.Of"/>).</summary>
    public StoredBody? Body { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The monitor whose schedule ran this probe, or null.</summary>
    public Guid? MonitorId { get; init; }

    public required IReadOnlyList<RunRecord> Runs { get; init; }
}
