using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Probes.Comparison;

namespace SmtpProbeHub.Api.Probes;

/// <summary>A probe and its runs, one per agent.</summary>
public sealed record ProbeView
{
    /// <summary>Probe id.</summary>
    public required Guid Id { get; init; }

    /// <summary>When the hub accepted it.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>running | completed | canceled (completed once every run has ended).</summary>
    public required ProbeStatus Status { get; init; }

    /// <summary>When the last run ended, or null.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The monitor whose schedule ran it (GET /api/v1/monitors/{monitorId}), or null.</summary>
    public Guid? MonitorId { get; init; }

    /// <summary>The server asked for (null: the recipient domain's MX).</summary>
    public string? Server { get; init; }

    /// <summary>The recipients.</summary>
    public IReadOnlyList<string> To { get; init; } = [];

    /// <summary>The test message as stored (a long body only in part, with the whole body's size and SHA-256); null in probe lists.</summary>
    public MessageView? Message { get; init; }

    /// <summary>One run per agent.</summary>
    public required IReadOnlyList<RunView> Runs { get; init; }

    /// <summary>
    /// What the vantage points saw side by side (inside vs outside, …) with the likely cause of any difference;
    /// null when the probe has a single run (and in probe lists).
    /// </summary>
    public ProbeComparison? Comparison { get; init; }
}

/// <summary>One page of probes, newest first (ties by id). Runs carry verdicts and diagnoses, not steps or transcripts.</summary>
/// <param name="Items">The probes on this page.</param>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Probes per page.</param>
/// <param name="Total">Probes matching the filters, on all pages.</param>
public sealed record ProbeListView(IReadOnlyList<ProbeView> Items, int Page, int PageSize, int Total);

/// <summary>
/// The test message as the hub keeps it. The agents sent the whole body; the hub stores at most
/// Hub:Storage:MaxStoredBodyBytes of it (<c>bodyTruncated</c> then true), and <c>bodyBytes</c> and <c>bodySha256</c>
/// are always those of the whole body as submitted, so what was sent stays verifiable.
/// </summary>
public sealed record MessageView
{
    /// <summary>The Subject header.</summary>
    public required string Subject { get; init; }

    /// <summary>Extra headers (name → value).</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The body; only its start (Hub:Storage:MaxStoredBodyBytes, cut at a character boundary) when bodyTruncated.</summary>
    public required string Body { get; init; }

    /// <summary>True when only the start of the body is stored and shown.</summary>
    public required bool BodyTruncated { get; init; }

    /// <summary>Size of the whole body in UTF-8 bytes.</summary>
    public required long BodyBytes { get; init; }

    /// <summary>SHA-256 of the whole body's UTF-8 bytes, lower-case hex.</summary>
    public required string BodySha256 { get; init; }
}
