using System.Net;
using SmtpProbeHub.TestSupport.Dns;
using SmtpProbeHub.TestSupport.Netns;

namespace SmtpProbeHub.EndToEnd.Tests.Scenarios;

/// <summary>The DNS each side sees: the corp view, the public view (the same MX), and a stale public MX.</summary>
internal static class ScenarioZones
{
    public const string Domain = "corp.test";
    public const string MailHost = "mx.corp.test";
    public const string StaleMailHost = "old-mx.corp.test";

    /// <summary>MX 10 mx.corp.test → 192.0.2.25 (corp's resolver; the public one says the same by default).</summary>
    public static DnsZone Current() => Zone(MailHost, TopologyAddresses.CorpMail);

    /// <summary>MX 10 old-mx.corp.test → 198.51.100.25: a public record nobody updated after a move.</summary>
    public static DnsZone Stale() => Zone(StaleMailHost, TopologyAddresses.InternetMail);

    private static DnsZone Zone(string host, IPAddress address) => new DnsZone()
        .AddLocalDomain("test")
        .AddMx(Domain, host, 10)
        .AddHost(host, address);
}
