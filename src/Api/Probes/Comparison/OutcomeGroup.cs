using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Probes.Comparison;

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
