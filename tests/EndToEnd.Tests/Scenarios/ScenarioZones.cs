using System.Net;
using SmtpProbeHub.TestSupport.Dns;
using SmtpProbeHub.TestSupport.Netns;

namespace SmtpProbeHub.EndToEnd.Tests.Scenarios;

/// <summary>The DNS each side sees: the corp view, the public view (the same MX), a stale public MX, and split horizon with NAT.</summary>
internal static class ScenarioZones
{
    public const string Domain = "corp.test";
    public const string MailHost = "mx.corp.test";
    public const string StaleMailHost = "old-mx.corp.test";

    /// <summary>MX 10 mx.corp.test → 192.0.2.25 (corp's resolver; the public one says the same by default).</summary>
    public static DnsZone Current() => Zone(MailHost, TopologyAddresses.CorpMail);

    /// <summary>MX 10 old-mx.corp.test → 198.51.100.25: a public record nobody updated after a move.</summary>
    public static DnsZone Stale() => Zone(StaleMailHost, TopologyAddresses.InternetMail);

    /// <summary>MX 10 mx.corp.test → 198.51.100.125: the same name at the public address that the router forwards to 192.0.2.25.</summary>
    public static DnsZone PublicNat() => Zone(MailHost, TopologyAddresses.CorpMailPublic);

    private static DnsZone Zone(string host, IPAddress address) => new DnsZone()
        .AddLocalDomain("test")
        .AddMx(Domain, host, 10)
        .AddHost(host, address);
}
