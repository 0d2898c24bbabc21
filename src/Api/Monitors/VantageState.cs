using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Monitors;

/// <summary>
/// What a monitor knows about one vantage point (agent): its state with the counters the thresholds use, the last
/// run's figures (also the Prometheus series, restored from here after a restart) and which one-shot alerts are armed.
/// </summary>
public sealed record VantageState
{
    /// <summary>The monitor.</summary>
    public required Guid MonitorId { get; init; }

    /// <summary>Agent id.</summary>
    public required string AgentId { get; init; }

    /// <summary>Agent name (the <c>agent</c> label of the series).</summary>
    public required string AgentName { get; init; }

    /// <summary>The agent's zone label, "" when it has none.</summary>
    public required string Zone { get; init; }

    /// <summary>ok | failing | unknown.</summary>
    public VantageStatus State { get; init; } = VantageStatus.Unknown;

    /// <summary>Since when the state holds.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Failed runs in a row.</summary>
    public int ConsecutiveFailures { get; init; }

    /// <summary>Passed runs in a row.</summary>
    public int ConsecutivePasses { get; init; }

    /// <summary>The latest outcomes, newest last: P passed, F failed (at most 10), for flap detection.</summary>
    public string History { get; init; } = "";

    /// <summary>True from the failing alert (or the state it stands for) until the recovery: what the next change is measured against.</summary>
    public bool AlertActive { get; init; }

    /// <summary>True while the outcomes alternate too often: state changes are kept but not notified.</summary>
    public bool Flapping { get; init; }

    /// <summary>Why the state is unknown (no agent matched, agent lost, …), else null.</summary>
    public string? UnknownReason { get; init; }

    /// <summary>When the last run ended.</summary>
    public DateTimeOffset? LastRunAt { get; init; }

    /// <summary>The last probe.</summary>
    public Guid? LastProbeId { get; init; }

    /// <summary>The last verdict (null: the last run ended without one).</summary>
    public Verdict? LastVerdict { get; init; }

    /// <summary>The step the last run failed at.</summary>
    public StepName? LastFailedStep { get; init; }

    /// <summary>The last run's diagnosis.</summary>
    public Diagnosis? LastDiagnosis { get; init; }

    /// <summary>The last run's total duration.</summary>
    public double? DurationMs { get; init; }

    /// <summary>The last run's time per step (the first of each name; a probe with several recipients has several rcpt steps).</summary>
    public IReadOnlyDictionary<string, double> StepMs { get; init; } = new Dictionary<string, double>();

    /// <summary>The last certificate's expiry.</summary>
    public DateTimeOffset? CertNotAfter { get; init; }

    /// <summary>True once the certificate alert fired for <see cref="CertNotAfter"/> (re-armed by a new certificate).</summary>
    public bool CertAlerted { get; init; }

    /// <summary>True once the slow-step alert fired (re-armed by a run without a slow step).</summary>
    public bool SlowAlerted { get; init; }
}

/// <summary>A vantage point's state.</summary>
public enum VantageStatus
{
    /// <summary>Passing (or not yet failing often enough to alert).</summary>
    Ok,

    /// <summary>Failed at least failuresToAlert times in a row and not recovered.</summary>
    Failing,

    /// <summary>No verdict: no agent matched, the agent was lost, or no run yet.</summary>
    Unknown,
}
