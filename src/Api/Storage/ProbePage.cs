namespace SmtpProbeHub.Api.Storage;

/// <summary>One page of probes and the total that match the filters.</summary>
public sealed record ProbePage(IReadOnlyList<ProbeRecord> Items, int Total);
