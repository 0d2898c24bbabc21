namespace SmtpProbeHub.Api.Probes.Comparison;

/// <summary>
/// What the vantage points saw, side by side: present on every probe with more than one run. When they disagree,
/// the findings say what differs, the likely cause and what to check next.
/// </summary>
public sealed record ProbeComparison
{
    /// <summary>True when every compared run ended the same way and saw the same mail server (DNS answer, STARTTLS, certificate).</summary>
    public required bool Agree { get; init; }

    /// <summary>One line for people: the main finding, or that the vantage points agree.</summary>
    public required string Summary { get; init; }

    /// <summary>The compared runs grouped by how they ended (verdict, failed step, diagnosis code).</summary>
    public required IReadOnlyList<OutcomeGroup> Outcomes { get; init; }

    /// <summary>The compared runs grouped by their agent's <c>zone</c> label.</summary>
    public required IReadOnlyList<ZoneGroup> Zones { get; init; }

    /// <summary>What differs (or what all runs share), each with a stable code, a cause and a next step. Empty when they agree.</summary>
    public required IReadOnlyList<ComparisonFinding> Findings { get; init; }

    /// <summary>Runs left out because they ended without a result (agentLost, canceled, timedOut) or have not ended yet.</summary>
    public IReadOnlyList<RunRef> NotCompared { get; init; } = [];
}
