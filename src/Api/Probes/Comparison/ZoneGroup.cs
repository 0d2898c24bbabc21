namespace SmtpProbeHub.Api.Probes.Comparison;

/// <summary>The runs of one zone (the agent label <c>zone</c>; agents without one are in zone "unlabeled").</summary>
/// <param name="Zone">The zone, e.g. "inside" or "outside".</param>
/// <param name="Outcomes">How its runs ended, in words, distinct.</param>
/// <param name="Agree">True when every run of the zone ended the same way.</param>
/// <param name="Runs">The runs.</param>
public sealed record ZoneGroup(string Zone, IReadOnlyList<string> Outcomes, bool Agree, IReadOnlyList<RunRef> Runs);
