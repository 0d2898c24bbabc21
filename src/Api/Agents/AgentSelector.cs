namespace SmtpProbeHub.Api.Agents;

/// <summary>
/// Which agents run a probe. Rules, in order: <c>all</c> = every online agent; otherwise agents whose id is
/// in <c>ids</c> OR whose labels contain every pair in <c>labels</c> (both may be given; an agent matches
/// either). With neither: the built-in agent when it is online, else the one online agent with the
/// fewest runs in flight (a probe has one vantage point unless more are asked for).
/// </summary>
public sealed record AgentSelector
{
    /// <summary>Agent ids.</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];

    /// <summary>Labels that must all match.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Every online agent.</summary>
    public bool All { get; init; }

    /// <summary>True when neither ids, labels nor all were given.</summary>
    public bool IsDefault => !All && Ids.Count == 0 && Labels.Count == 0;

    /// <summary>Picks the online agents this selector names (see the type's summary for the rules).</summary>
    public IReadOnlyList<AgentRegistration> Select(IReadOnlyList<AgentRegistration> online, string? builtInAgentId)
    {
        if (All)
        {
            return online;
        }

        if (IsDefault)
        {
            var builtIn = online.FirstOrDefault(a => a.Agent.Id == builtInAgentId);
            if (builtIn is not null)
            {
                return [builtIn];
            }

            var leastBusy = online.OrderBy(a => a.InFlight).ThenBy(a => a.Agent.Id, StringComparer.Ordinal).FirstOrDefault();
            return leastBusy is null ? [] : [leastBusy];
        }

        return [.. online.Where(a => Ids.Contains(a.Agent.Id, StringComparer.Ordinal) || (Labels.Count > 0 && LabelsMatch(a.Agent.Labels)))];
    }

    private bool LabelsMatch(IReadOnlyDictionary<string, string> agentLabels) =>
        Labels.All(pair => agentLabels.TryGetValue(pair.Key, out var value) && string.Equals(value, pair.Value, StringComparison.Ordinal));
}
