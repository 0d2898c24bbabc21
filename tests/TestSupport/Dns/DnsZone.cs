using System.Net;

namespace SmtpProbeHub.TestSupport.Dns;

/// <summary>
/// The records a <see cref="DnsmasqInstance"/> answers. Names under a local domain (by default <c>test</c>) that
/// have no record get NXDOMAIN; names outside every local domain get REFUSED (there is no upstream resolver).
/// </summary>
public sealed class DnsZone
{
    /// <summary>MX 10 mx.corp.test → 127.0.0.1.</summary>
    public const string Corp = "corp.test";

    /// <summary>MX 10 mx1.multi.test → 127.0.0.2 (nothing listens there) and MX 20 mx2.multi.test → 127.0.0.1.</summary>
    public const string TwoMx = "multi.test";

    /// <summary>No MX, only an A record → 127.0.0.1 (RFC 5321 §5.1 implicit MX).</summary>
    public const string NoMx = "nomx.test";

    /// <summary>Does not exist: NXDOMAIN.</summary>
    public const string Missing = "missing.test";

    private readonly List<(string Domain, string Exchange, int Preference)> _mx = [];
    private readonly List<(string Name, IPAddress[] Addresses)> _hosts = [];
    private readonly List<string> _localDomains = [];

    /// <summary>The zone most tests need (see the constants): every mail host on loopback.</summary>
    public static DnsZone CreateDefault() => new DnsZone()
        .AddLocalDomain("test")
        .AddMx(Corp, "mx.corp.test", 10)
        .AddHost("mx.corp.test", IPAddress.Loopback)
        .AddMx(TwoMx, "mx1.multi.test", 10)
        .AddHost("mx1.multi.test", IPAddress.Parse("127.0.0.2"))
        .AddMx(TwoMx, "mx2.multi.test", 20)
        .AddHost("mx2.multi.test", IPAddress.Loopback)
        .AddHost(NoMx, IPAddress.Loopback);

    /// <summary>An MX record.</summary>
    public DnsZone AddMx(string domain, string exchange, int preference)
    {
        _mx.Add((Check(domain), Check(exchange), preference));
        return this;
    }

    /// <summary>A and/or AAAA records for <paramref name="name"/>.</summary>
    public DnsZone AddHost(string name, params IPAddress[] addresses)
    {
        if (addresses.Length == 0 || addresses.Any(a => !IsTestAddress(a)))
        {
            throw new ArgumentException("Test DNS may only point at loopback or the documentation ranges 192.0.2.0/24 and 198.51.100.0/24.", nameof(addresses));
        }

        _hosts.Add((Check(name), addresses));
        return this;
    }

    /// <summary>A domain answered only from these records: unknown names in it get NXDOMAIN.</summary>
    public DnsZone AddLocalDomain(string domain)
    {
        _localDomains.Add(Check(domain));
        return this;
    }

    internal IEnumerable<string> ToArguments()
    {
        foreach (var domain in _localDomains)
        {
            yield return $"--local=/{domain}/";
        }

        foreach (var (domain, exchange, preference) in _mx)
        {
            yield return $"--mx-host={domain},{exchange},{preference}";
        }

        foreach (var (name, addresses) in _hosts)
        {
            yield return $"--host-record={name},{string.Join(',', addresses.Select(a => a.ToString()))}";
        }
    }

    private static bool IsTestAddress(IPAddress address)
    {
        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        var bytes = address.GetAddressBytes();
        return bytes.Length == 4 && ((bytes[0] == 192 && bytes[1] == 0 && bytes[2] == 2) || (bytes[0] == 198 && bytes[1] == 51 && bytes[2] == 100));
    }

    private static string Check(string name) =>
        !string.IsNullOrWhiteSpace(name) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-')
            ? name
            : throw new ArgumentException($"Not a plain DNS name: '{name}'.", nameof(name));
}
