using System.Net;
using System.Net.Sockets;

namespace SmtpProbeHub.Probe.Targets;

/// <summary>
/// Where a probe may connect: allowed ports, and networks allowed or denied on top of built-in denials
/// (loopback, link-local, private, multicast, unspecified, reserved, this machine's own addresses). Checked on
/// the resolved address right before connecting, so a DNS name, an MX answer or a spelling such as
/// <c>127.1</c> or <c>[::ffff:127.0.0.1]</c> meets the same rule as the address it stands for.
/// Order: an explicitly denied network is refused; an explicitly allowed network wins over the built-in
/// denials; anything else is allowed unless a built-in denial covers it. Policies combine with
/// <see cref="And"/>: an address must pass every layer, so a hub cannot widen an agent's own policy.
/// </summary>
public sealed class TargetPolicy
{
    /// <summary>Ports allowed when none are configured: SMTP, submission over TLS, submission, and the common alternative.</summary>
    public static readonly IReadOnlyList<string> DefaultPorts = ["25", "465", "587", "2525"];

    private readonly IReadOnlyList<Layer> _layers;

    private TargetPolicy(IReadOnlyList<Layer> layers) => _layers = layers;

    /// <summary>The default: SMTP ports, public addresses only.</summary>
    public static TargetPolicy Default { get; } = Create("policy", null, null, null);

    /// <summary>Any port, any address (tests and benchmarks on loopback; never a default).</summary>
    public static TargetPolicy AllowAll { get; } = Create("policy", ["1-65535"], ["0.0.0.0/0", "::/0"], null);

    /// <summary>The ports this policy's first layer allows, as configured ("25", "1024-65535").</summary>
    public IReadOnlyList<string> Ports => _layers[0].PortsText;

    /// <summary>The networks its first layer allows explicitly (CIDR).</summary>
    public IReadOnlyList<string> AllowedNetworks => [.. _layers[0].Allowed.Select(n => n.ToString())];

    /// <summary>The networks its first layer denies explicitly (CIDR).</summary>
    public IReadOnlyList<string> DeniedNetworks => [.. _layers[0].Denied.Select(n => n.ToString())];

    /// <summary>
    /// A policy from configuration text. <paramref name="ports"/> null or empty means <see cref="DefaultPorts"/>.
    /// Throws <see cref="FormatException"/> naming every entry that does not parse (see <see cref="Problems"/>).
    /// </summary>
    /// <param name="name">What refusals call it, e.g. "hub policy" or "agent policy".</param>
    /// <param name="ports">Allowed ports and ranges ("25", "1024-65535").</param>
    /// <param name="allowedNetworks">Networks allowed even where a built-in denial covers them ("10.1.0.0/16").</param>
    /// <param name="deniedNetworks">Networks refused whatever else says.</param>
    /// <param name="denyOwnAddresses">
    /// Deny the addresses of the machine the check runs on. True for a machine's own policy; false for a policy made
    /// elsewhere (the hub's, arriving with an assignment), since the hub's own addresses are not the agent's.
    /// </param>
    public static TargetPolicy Create(
        string name, IEnumerable<string>? ports, IEnumerable<string>? allowedNetworks, IEnumerable<string>? deniedNetworks, bool denyOwnAddresses = true)
    {
        var problems = Problems(ports, allowedNetworks, deniedNetworks);
        if (problems.Count > 0)
        {
            throw new FormatException(string.Join("; ", problems));
        }

        var portsText = ports?.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim()).ToList() is { Count: > 0 } given ? given : [.. DefaultPorts];
        return new TargetPolicy([new Layer(
            name,
            portsText,
            [.. portsText.Select(p => PortRange.TryParse(p, out var range) ? range : default)],
            [.. (allowedNetworks ?? []).Select(ParseNetwork)],
            [.. (deniedNetworks ?? []).Select(ParseNetwork)],
            denyOwnAddresses)]);
    }

    /// <summary>What is wrong with the configuration text, empty when it is usable.</summary>
    public static IReadOnlyList<string> Problems(IEnumerable<string>? ports, IEnumerable<string>? allowedNetworks, IEnumerable<string>? deniedNetworks)
    {
        var problems = new List<string>();
        foreach (var port in ports ?? [])
        {
            if (!string.IsNullOrWhiteSpace(port) && !PortRange.TryParse(port.Trim(), out _))
            {
                problems.Add($"'{port}' is not a port or a port range such as 25 or 1024-65535");
            }
        }

        foreach (var network in (allowedNetworks ?? []).Concat(deniedNetworks ?? []))
        {
            if (!TryParseNetwork(network, out _))
            {
                problems.Add($"'{network}' is not an address or a network such as 192.0.2.0/24");
            }
        }

        return problems;
    }

    /// <summary>This policy and <paramref name="other"/>: an address and port must pass both.</summary>
    public TargetPolicy And(TargetPolicy? other) => other is null ? this : new TargetPolicy([.. _layers, .. other._layers]);

    /// <summary>A copy whose refusals name it <paramref name="name"/> (a policy that came over the wire says whose it is).</summary>
    public TargetPolicy Named(string name) => new([.. _layers.Select(l => l with { Name = name })]);

    /// <summary>Whether the port alone is allowed (checked before anything else, also when the address is not known yet).</summary>
    public TargetDecision CheckPort(int port)
    {
        foreach (var layer in _layers)
        {
            if (!layer.Ports.Any(r => r.Contains(port)))
            {
                return TargetDecision.Refuse($"port {port} is not allowed by the {layer.Name} (allowed: {string.Join(", ", layer.PortsText)})");
            }
        }

        return TargetDecision.Allow;
    }

    /// <summary>Whether connecting to <paramref name="address"/>:<paramref name="port"/> is allowed, and if not, which rule refuses it.</summary>
    public TargetDecision Check(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (CheckPort(port) is { Allowed: false } refusedPort)
        {
            return refusedPort;
        }

        var subjects = Subjects(address);
        foreach (var layer in _layers)
        {
            foreach (var subject in subjects)
            {
                if (layer.Check(subject, address) is { Allowed: false } refused)
                {
                    return refused;
                }
            }
        }

        return TargetDecision.Allow;
    }

    /// <summary>
    /// The address and every IPv4 address it embeds (IPv4-mapped, NAT64, 6to4): each must pass, so an IPv6 spelling
    /// of a denied IPv4 address is denied too.
    /// </summary>
    private static List<IPAddress> Subjects(IPAddress address)
    {
        var subjects = new List<IPAddress> { address };
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return subjects;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            subjects.Add(address.MapToIPv4());
            return subjects;
        }

        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address) || IPv4Compatible.Contains(address))
        {
            subjects.Add(new IPAddress(bytes.AsSpan(12, 4)));
        }
        else if (SixToFour.Contains(address))
        {
            subjects.Add(new IPAddress(bytes.AsSpan(2, 4)));
        }

        return subjects;
    }

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork IPv4Compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    private static IPNetwork ParseNetwork(string text) => TryParseNetwork(text, out var network) ? network : throw new FormatException(text);

    private static bool TryParseNetwork(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (IPNetwork.TryParse(text, out network))
        {
            return true;
        }

        // A single address stands for itself (/32 or /128); only canonical spellings are taken, not "127.1".
        if (IPAddress.TryParse(text, out var single) && (single.AddressFamily == AddressFamily.InterNetworkV6 || text.Count(c => c == '.') == 3))
        {
            network = new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }

    private sealed record Layer(
        string Name, IReadOnlyList<string> PortsText, IReadOnlyList<PortRange> Ports, IReadOnlyList<IPNetwork> Allowed, IReadOnlyList<IPNetwork> Denied, bool DenyOwnAddresses)
    {
        public TargetDecision Check(IPAddress subject, IPAddress asGiven)
        {
            var shown = subject.Equals(asGiven) ? $"{asGiven}" : $"{asGiven} ({subject})";
            foreach (var denied in Denied)
            {
                if (denied.Contains(subject))
                {
                    return TargetDecision.Refuse($"{shown} is in {denied}, which the {Name} denies");
                }
            }

            if (Allowed.Any(n => n.Contains(subject)))
            {
                return TargetDecision.Allow;
            }

            if (RestrictedRanges.Describe(subject, DenyOwnAddresses) is { } restricted)
            {
                return TargetDecision.Refuse($"{shown} is {restricted}, which the {Name} does not allow (list the network in its allowed networks to probe it)");
            }

            return TargetDecision.Allow;
        }
    }
}

/// <summary>The answer of a <see cref="TargetPolicy"/>: allowed, or refused with the rule in words.</summary>
public sealed record TargetDecision(bool Allowed, string? Rule)
{
    /// <summary>Allowed.</summary>
    public static TargetDecision Allow { get; } = new(true, null);

    /// <summary>Refused by <paramref name="rule"/>.</summary>
    public static TargetDecision Refuse(string rule) => new(false, rule);
}

/// <summary>An inclusive port range from configuration ("25" or "1024-65535").</summary>
internal readonly record struct PortRange(int From, int To)
{
    public bool Contains(int port) => port >= From && port <= To;

    public static bool TryParse(string text, out PortRange range)
    {
        range = default;
        var parts = text.Split('-', 2, StringSplitOptions.TrimEntries);
        if (!int.TryParse(parts[0], out var from) || from is < 1 or > 65535)
        {
            return false;
        }

        var to = from;
        if (parts.Length == 2 && (!int.TryParse(parts[1], out to) || to < from || to > 65535))
        {
            return false;
        }

        range = new PortRange(from, to);
        return true;
    }
}
