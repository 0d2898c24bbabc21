using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Storage;

/// <summary>Filters and page of a probe listing. Order is fixed: newest first, then id.</summary>
public sealed record ProbeQuery
{
    public ProbeStatus? Status { get; init; }

    /// <summary>Probes with at least one run of this verdict.</summary>
    public Verdict? Verdict { get; init; }

    /// <summary>Probes with a run on this agent (id or name).</summary>
    public string? Agent { get; init; }

    /// <summary>Probes whose server is this host.</summary>
    public string? Server { get; init; }

    /// <summary>Probes whose first recipient is in this domain.</summary>
    public string? Domain { get; init; }

    public DateTimeOffset? CreatedFrom { get; init; }

    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>1-based page number.</summary>
    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = 50;
}
