using SmtpProbeHub.Probe.Model;
namespace SmtpProbeHub.Api.Probes.Comparison;

/// <summary>
/// What the vantage points saw, side by side: present on every probe with more than one run. When they disagree,
/// the findings say what differs, the likely cause and what to check next; a failure they all share and notes
/// (e.g. split-horizon DNS) are findings too.
/// </summary>
public sealed record ProbeComparison
{
    /// <summary>
    /// True when at least two runs were compared, every one ended the same way (passed, or failed at the same step with
    /// the same diagnosis) and they reached the same mail server: no finding of kind <c>difference</c> (other DNS answer
    /// with another server behind it, STARTTLS or certificate differing, …). A failure every run shares is agreement on a
    /// failure (true, with a <c>sharedFailure</c> finding); split-horizon DNS with the same server behind both addresses
    /// is a <c>note</c> and keeps it true. It says nothing about whether the runs passed: read the verdicts.
    /// </summary>
    public required bool Agree { get; init; }

    /// <summary>One line for people: the first difference; else the shared failure, or that the vantage points agree; notes appended.</summary>
    public required string Summary { get; init; }

    /// <summary>The compared runs grouped by how they ended (verdict, failed step, diagnosis code).</summary>
    public required IReadOnlyList<OutcomeGroup> Outcomes { get; init; }

    /// <summary>The compared runs grouped by their agent's <c>zone</c> label.</summary>
    public required IReadOnlyList<ZoneGroup> Zones { get; init; }

    /// <summary>
    /// What differs, then what all runs share, then notes, each with a stable code, its kind (<c>difference</c>,
    /// <c>sharedFailure</c>, <c>note</c>), a cause and a next step. Only <c>difference</c> findings make <c>agree</c> false.
    /// </summary>
    public required IReadOnlyList<ComparisonFinding> Findings { get; init; }

    /// <summary>Runs left out because they ended without a result (agentLost, canceled, timedOut) or have not ended yet.</summary>
    public IReadOnlyList<RunRef> NotCompared { get; init; } = [];
}

/// <summary>A run named in a comparison.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="Agent">The agent's name.</param>
/// <param name="Zone">The agent's zone label ("unlabeled" when it has none).</param>
public sealed record RunRef(Guid RunId, string Agent, string Zone);

/// <summary>The runs of one zone (the agent label <c>zone</c>; agents without one are in zone "unlabeled").</summary>
/// <param name="Zone">The zone, e.g. "inside" or "outside".</param>
/// <param name="Outcomes">How its runs ended, in words, distinct.</param>
/// <param name="Agree">True when every run of the zone ended the same way.</param>
/// <param name="Runs">The runs.</param>
public sealed record ZoneGroup(string Zone, IReadOnlyList<string> Outcomes, bool Agree, IReadOnlyList<RunRef> Runs);

/// <summary>Runs that ended the same way.</summary>
/// <param name="Verdict">passed | failed.</param>
/// <param name="FailedStep">The step that failed, or null when passed.</param>
/// <param name="DiagnosisCode">The diagnosis code, or null when passed.</param>
/// <param name="Label">In words, e.g. "failed at connect (connect.timeout)".</param>
/// <param name="Zones">The zones these runs come from.</param>
/// <param name="Runs">The runs.</param>
public sealed record OutcomeGroup(
    Verdict Verdict,
    StepName? FailedStep,
    string? DiagnosisCode,
    string Label,
    IReadOnlyList<string> Zones,
    IReadOnlyList<RunRef> Runs);
