using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Targets;

namespace SmtpProbeHub.Api.Security;

/// <summary>
/// The hub's target policy for each agent: the hub-wide rules plus those of every <see cref="LabelTargetRule"/>
/// whose labels the agent carries. It goes with every assignment (the engine checks it on the resolved address
/// right before connecting) and refuses at submission what is already known to be out of bounds: the port, and a
/// server given as an address in any spelling .NET reads as one (127.1, 2130706433, 0x7f000001, [::ffff:127.0.0.1]).
/// </summary>
public sealed class HubTargetPolicies(IOptions<TargetPolicyOptions> options)
{
    private const string Name = "hub policy";
    private readonly ConcurrentDictionary<string, TargetPolicy> _byLabels = new(StringComparer.Ordinal);

    public TargetPolicy For(IReadOnlyDictionary<string, string> labels) =>
        _byLabels.GetOrAdd(Key(labels), static (_, state) => Build(state.Options, state.Labels), (Options: options.Value, Labels: labels));

    /// <summary>Refused when the plan's port, or its server given as an address, is outside the agent's policy.</summary>
    public TargetDecision CheckPlan(ProbePlan plan, IReadOnlyDictionary<string, string> labels)
    {
        var policy = For(labels);
        var port = plan.EffectivePort;
        if (plan.Server is { } server && AddressIn(server) is { } address)
        {
            return policy.Check(address, port);
        }

        return policy.CheckPort(port);
    }

    private static IPAddress? AddressIn(string server)
    {
        var text = server.Trim().TrimEnd('.');
        if (text.StartsWith('[') && text.EndsWith(']'))
        {
            text = text[1..^1];
        }

        if (text.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
        {
            text = text[5..];
        }

        // IPAddress.TryParse takes the inet_aton forms too ("127.1", "2130706433", "0x7f000001"): exactly the spellings
        // that slip past a naive check, so they are held to the rule of the address they stand for.
        return IPAddress.TryParse(text, out var address) ? address : null;
    }

    private static TargetPolicy Build(TargetPolicyOptions options, IReadOnlyDictionary<string, string> labels)
    {
        var ports = options.AllowedPorts.Count > 0 ? new List<string>(options.AllowedPorts) : [.. TargetPolicy.DefaultPorts];
        var allowed = new List<string>(options.AllowedNetworks);
        var denied = new List<string>(options.DeniedNetworks);
        foreach (var rule in options.ByLabel.Where(r => r.Labels.All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value)))
        {
            ports.AddRange(rule.AllowedPorts);
            allowed.AddRange(rule.AllowedNetworks);
            denied.AddRange(rule.DeniedNetworks);
        }

        return TargetPolicy.Create(Name, ports.Distinct(StringComparer.Ordinal), allowed, denied);
    }

    private static string Key(IReadOnlyDictionary<string, string> labels) =>
        string.Join('\n', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}
