using System.Net;

namespace SmtpProbeHub.TestSupport.Netns;

/// <summary>
/// The fixed addresses of a <see cref="NetworkTopology"/> (documentation ranges only, RFC 5737). Every topology
/// uses the same addresses: they live in its own namespaces, so parallel topologies never see each other.
/// </summary>
public static class TopologyAddresses
{
    /// <summary>The corporate network.</summary>
    public const string CorpNetwork = "192.0.2.0/24";

    /// <summary>The internet side.</summary>
    public const string InternetNetwork = "198.51.100.0/24";

    /// <summary>The router's leg in corp: corp's default gateway; the hub listens here for inside agents.</summary>
    public static readonly IPAddress CorpGateway = IPAddress.Parse("192.0.2.1");

    /// <summary>The inside agent's address.</summary>
    public static readonly IPAddress CorpAgent = IPAddress.Parse("192.0.2.10");

    /// <summary>The mail server (Postfix) in corp.</summary>
    public static readonly IPAddress CorpMail = IPAddress.Parse("192.0.2.25");

    /// <summary>The corp resolver (split DNS: what inside clients see).</summary>
    public static readonly IPAddress CorpDns = IPAddress.Parse("192.0.2.53");

    /// <summary>The router's leg on the internet side: internet's default gateway; the hub listens here for outside agents.</summary>
    public static readonly IPAddress InternetGateway = IPAddress.Parse("198.51.100.1");

    /// <summary>The outside agent's address.</summary>
    public static readonly IPAddress InternetAgent = IPAddress.Parse("198.51.100.10");

    /// <summary>The public resolver the outside agent uses.</summary>
    public static readonly IPAddress InternetDns = IPAddress.Parse("198.51.100.53");

    /// <summary>
    /// The corp mail server's public address: the router answers for it on its internet leg and, when a scenario
    /// forwards the port (<see cref="RouterFirewall.ForwardPortAsync"/>), sends TCP 25 on to <see cref="CorpMail"/>
    /// (split-horizon DNS with NAT: the public zone names this address, the corp zone the private one).
    /// </summary>
    public static readonly IPAddress CorpMailPublic = IPAddress.Parse("198.51.100.125");

    /// <summary>A second mail host on the internet side (e.g. a stale public MX in a split-DNS scenario).</summary>
    public static readonly IPAddress InternetMail = IPAddress.Parse("198.51.100.25");

    internal static readonly IPAddress[] Corp = [CorpAgent, CorpMail, CorpDns];

    internal static readonly IPAddress[] Internet = [InternetAgent, InternetDns, InternetMail];
}
