namespace SmtpProbeHub.Api.Probes.Comparison;

/// <summary>One difference between vantage points (or what they all share), in words.</summary>
/// <param name="Code">A stable code automation can rely on, e.g. "path.inbound_filtered".</param>
/// <param name="Summary">What was seen, e.g. "outside times out connecting to 192.0.2.25:25 while inside passes".</param>
/// <param name="Cause">The likely cause.</param>
/// <param name="NextStep">What to check or do next.</param>
/// <param name="Zones">The zones whose runs show it.</param>
/// <param name="Runs">The runs that show it.</param>
public sealed record ComparisonFinding(
    string Code,
    string Summary,
    string Cause,
    string NextStep,
    IReadOnlyList<string> Zones,
    IReadOnlyList<RunRef> Runs);
