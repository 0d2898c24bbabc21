using SmtpProbeHub.Api.Agents;

namespace SmtpProbeHub.Api.Probes;

/// <summary>
/// Which agents run the probe: all=true → every online agent; else agents whose id is listed OR whose labels
/// contain every given pair; nothing given → the built-in agent when online, else one online agent.
/// No online agent matching → 422 no_agents_matched.
/// </summary>
public sealed record AgentSelectorRequest
{
    /// <summary>Agent ids.</summary>
    public IReadOnlyList<string>? Ids { get; init; }

    /// <summary>Labels an agent must all have, e.g. {"zone": "outside"}.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Every online agent.</summary>
    public bool? All { get; init; }

    internal AgentSelector ToSelector() => new()
    {
        Ids = Ids ?? [],
        Labels = Labels ?? new Dictionary<string, string>(),
        All = All ?? false,
    };
}
