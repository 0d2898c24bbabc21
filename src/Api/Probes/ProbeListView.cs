namespace SmtpProbeHub.Api.Probes;

/// <summary>One page of probes, newest first (ties by id). Runs carry verdicts and diagnoses, not steps or transcripts.</summary>
/// <param name="Items">The probes on this page.</param>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Probes per page.</param>
/// <param name="Total">Probes matching the filters, on all pages.</param>
public sealed record ProbeListView(IReadOnlyList<ProbeView> Items, int Page, int PageSize, int Total);
