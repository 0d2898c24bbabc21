namespace SmtpProbeHub.Api.Probes.Comparison;

/// <summary>One difference between vantage points (or what they all share, or a note), in words.</summary>
/// <param name="Code">A stable code automation can rely on, e.g. "path.inbound_filtered".</param>
/// <param name="Kind">
/// What it means for <see cref="ProbeComparison.Agree"/>: <c>difference</c> (the vantage points disagree),
/// <c>sharedFailure</c> (they agree on a failure) or <c>note</c> (information, e.g. split-horizon DNS with the same server behind it).
/// </param>
/// <param name="Summary">What was seen, e.g. "outside times out connecting to 192.0.2.25:25 while inside passes".</param>
/// <param name="Cause">The likely cause.</param>
/// <param name="NextStep">What to check or do next.</param>
/// <param name="Zones">The zones whose runs show it.</param>
/// <param name="Runs">The runs that show it.</param>
public sealed record ComparisonFinding(
    string Code,
    FindingKind Kind,
    string Summary,
    string Cause,
    string NextStep,
    IReadOnlyList<string> Zones,
    IReadOnlyList<RunRef> Runs);

/// <summary>
/// What a finding means for the comparison's <c>agree</c>: <c>difference</c>, the vantage points disagree (agree is
/// false); <c>sharedFailure</c>, every run failed the same way at the same server (agree stays true); <c>note</c>,
/// information such as split-horizon DNS with the same server behind it (agree stays true).
/// </summary>
public enum FindingKind
{
    /// <summary>The vantage points saw something different (another outcome, another server, another path): <c>agree</c> is false.</summary>
    Difference,

    /// <summary>Every vantage point failed the same way at the same server: they agree on a failure (<c>agree</c> stays true; the runs still failed).</summary>
    SharedFailure,

    /// <summary>Information, not a fault: an expected difference with the same server behind it, e.g. split-horizon DNS (<c>agree</c> stays true).</summary>
    Note,
}
