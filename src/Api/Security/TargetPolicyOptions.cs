using SmtpProbeHub.Probe.Targets;

namespace SmtpProbeHub.Api.Security;

/// <summary>
/// Where probes may connect (section <c>Hub:Targets</c>): ports, and networks allowed or denied on top of the
/// built-in denials (loopback, link-local, private ranges, multicast, unspecified, this machine's addresses).
/// <see cref="ByLabel"/> widens it for agents with given labels, e.g. the inside agent may reach the corp network.
/// An agent's own local policy (<c>Agent:Targets</c>) still applies on top: the hub cannot widen it.
/// </summary>
public sealed class TargetPolicyOptions
{
    public const string Section = "Hub:Targets";

    /// <summary>Allowed ports and ranges ("25", "1024-65535"); empty means 25, 465, 587 and 2525.</summary>
    public List<string> AllowedPorts { get; set; } = [];

    /// <summary>Networks (CIDR or single addresses) allowed even where a built-in denial covers them.</summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Networks refused whatever else allows them.</summary>
    public List<string> DeniedNetworks { get; set; } = [];

    /// <summary>Additions for agents whose labels include every label of a rule.</summary>
    public List<LabelTargetRule> ByLabel { get; set; } = [];

    /// <summary>Every entry that does not parse, named by its configuration key.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = TargetPolicy.Problems(AllowedPorts, AllowedNetworks, DeniedNetworks).Select(p => $"{Section}: {p}").ToList();
        for (var i = 0; i < ByLabel.Count; i++)
        {
            var rule = ByLabel[i];
            problems.AddRange(TargetPolicy.Problems(rule.AllowedPorts, rule.AllowedNetworks, rule.DeniedNetworks).Select(p => $"{Section}:ByLabel:{i}: {p}"));
            if (rule.Labels.Count == 0)
            {
                problems.Add($"{Section}:ByLabel:{i}: Labels must name at least one label (a rule for every agent belongs at the top level)");
            }
        }

        return problems;
    }
}

/// <summary>What agents carrying all of <see cref="Labels"/> may reach in addition to the hub-wide policy.</summary>
public sealed class LabelTargetRule
{
    /// <summary>The labels an agent must have, e.g. zone=inside.</summary>
    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Ports added for these agents.</summary>
    public List<string> AllowedPorts { get; set; } = [];

    /// <summary>Networks added for these agents, e.g. the corp mail servers' 10.20.0.0/16.</summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Networks refused for these agents.</summary>
    public List<string> DeniedNetworks { get; set; } = [];
}
