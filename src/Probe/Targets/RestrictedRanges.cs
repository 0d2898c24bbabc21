using System.Net;
using System.Net.NetworkInformation;

namespace SmtpProbeHub.Probe.Targets;

/// <summary>
/// Addresses no probe reaches unless a policy lists them: they lead to the machine itself, its local link,
/// internal networks or nowhere. Private ranges are here because an agent inside a corporate network must not
/// become a scanner into it; the operator lists the mail servers' networks per agent where that is wanted.
/// </summary>
internal static class RestrictedRanges
{
    private static readonly (IPNetwork Network, string What)[] Ranges =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified address (0.0.0.0/8)"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address (127.0.0.0/8)"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address (169.254.0.0/16)"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address (10.0.0.0/8)"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address (172.16.0.0/12)"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address (192.168.0.0/16)"),
        (IPNetwork.Parse("100.64.0.0/10"), "a shared (carrier-grade NAT) address (100.64.0.0/10)"),
        (IPNetwork.Parse("192.0.0.0/24"), "an IETF protocol address (192.0.0.0/24)"),
        (IPNetwork.Parse("198.18.0.0/15"), "a benchmarking address (198.18.0.0/15)"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address (224.0.0.0/4)"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved or broadcast address (240.0.0.0/4)"),
        (IPNetwork.Parse("::/128"), "the unspecified address (::)"),
        (IPNetwork.Parse("::1/128"), "the loopback address (::1)"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address (fe80::/10)"),
        (IPNetwork.Parse("fc00::/7"), "a unique local (private) address (fc00::/7)"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address (ff00::/8)"),
    ];

    private static readonly Lock Gate = new();
    private static (long At, HashSet<IPAddress> Addresses)? _ownCache;

    /// <summary>What the address is when a built-in denial covers it, else null; this machine's addresses only with <paramref name="includeOwn"/>.</summary>
    public static string? Describe(IPAddress address, bool includeOwn)
    {
        foreach (var (network, what) in Ranges)
        {
            if (network.Contains(address))
            {
                return what;
            }
        }

        return includeOwn && OwnAddresses().Contains(address) ? "an address of this machine" : null;
    }

    /// <summary>This machine's interface addresses, read at most every few seconds (interfaces rarely change; a probe must not pay for it).</summary>
    private static HashSet<IPAddress> OwnAddresses()
    {
        var now = Environment.TickCount64;
        lock (Gate)
        {
            if (_ownCache is { } cached && now - cached.At < 5_000)
            {
                return cached.Addresses;
            }
        }

        HashSet<IPAddress> addresses;
        try
        {
            addresses = [.. NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
                .Select(u => u.Address.IsIPv4MappedToIPv6 ? u.Address.MapToIPv4() : u.Address)];
        }
        catch (NetworkInformationException)
        {
            addresses = [];
        }

        lock (Gate)
        {
            _ownCache = (now, addresses);
        }

        return addresses;
    }
}
