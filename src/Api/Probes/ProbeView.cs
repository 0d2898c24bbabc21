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
