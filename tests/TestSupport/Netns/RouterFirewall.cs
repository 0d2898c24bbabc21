using System.Net;
using SmtpProbeHub.TestSupport.Peers;

namespace SmtpProbeHub.TestSupport.Netns;

/// <summary>
/// The nftables table <c>inet sph</c> inside the router namespace, filtering what the router forwards between
/// corp and the internet (traffic to the router itself, e.g. the hub, is not forwarded and so never filtered), and
/// the table <c>ip sphnat</c> whose prerouting chain holds port forwards (DNAT, as a NAT router's "port forwarding").
/// A scenario replaces each rule set as a whole; nothing outside the router namespace is touched.
/// </summary>
public sealed class RouterFirewall
{
    private const string Table = "sph";
    private const string NatTable = "sphnat";
    private readonly string _router;

    internal RouterFirewall(string routerNamespace) => _router = routerNamespace;

    /// <summary>The rules now in force, one nft rule per line (empty when everything is forwarded).</summary>
    public IReadOnlyList<string> Rules { get; private set; } = [];

    /// <summary>The port forwards now in force, one nft rule per line (empty when none).</summary>
    public IReadOnlyList<string> PortForwards { get; private set; } = [];

    /// <summary>
    /// Forwards TCP <paramref name="port"/> arriving for <paramref name="publicAddress"/> to <paramref name="privateAddress"/>
    /// (DNAT; replies are translated back by connection tracking, so clients see the public address answer).
    /// </summary>
    public async Task ForwardPortAsync(IPAddress publicAddress, IPAddress privateAddress, int port = 25)
    {
        string[] rules = [$"ip daddr {publicAddress} tcp dport {port} dnat to {privateAddress}"];
        await RunScriptAsync(string.Join('\n', [$"flush chain ip {NatTable} prerouting", .. rules.Select(r => $"add rule ip {NatTable} prerouting {r}")]));
        PortForwards = rules;
    }

    /// <summary>No port forwards: the public address leads nowhere.</summary>
    public async Task RemovePortForwardsAsync()
    {
        await RunScriptAsync($"flush chain ip {NatTable} prerouting");
        PortForwards = [];
    }

    /// <summary>Forward everything.</summary>
    public Task AllowAllAsync() => ApplyAsync([]);

    /// <summary>Silently drop connections from the internet to corp on <paramref name="port"/>: clients time out.</summary>
    public Task DropInboundAsync(int port = 25) =>
        ApplyAsync([$"ip saddr {TopologyAddresses.InternetNetwork} ip daddr {TopologyAddresses.CorpNetwork} tcp dport {port} drop"]);

    /// <summary>Answer connections from the internet to corp on <paramref name="port"/> with a TCP reset: clients are refused.</summary>
    public Task RejectInboundWithResetAsync(int port = 25) =>
        ApplyAsync([$"ip saddr {TopologyAddresses.InternetNetwork} ip daddr {TopologyAddresses.CorpNetwork} tcp dport {port} reject with tcp reset"]);

    /// <summary>Replaces the forward chain's rules with <paramref name="rules"/> (nft rule syntax, e.g. "tcp dport 25 drop"), atomically.</summary>
    public async Task ApplyAsync(IReadOnlyList<string> rules)
    {
        if (rules.Any(r => r.Contains(';') || r.Contains('\n') || r.Contains('}')))
        {
            throw new ArgumentException("One nft rule per entry, without ';', '}' or line breaks.", nameof(rules));
        }

        // One nft transaction: the old rules are gone and the new ones in force at the same instant.
        var script = string.Join('\n',
        [
            $"flush chain inet {Table} forward",
            .. rules.Select(r => $"add rule inet {Table} forward {r}"),
        ]);
        await RunScriptAsync(script);
        Rules = rules;
    }

    internal Task CreateAsync() => RunScriptAsync(string.Join('\n',
        $"table inet {Table} {{ chain forward {{ type filter hook forward priority 0; policy accept; }}; }}",
        $"table ip {NatTable} {{ chain prerouting {{ type nat hook prerouting priority -100; policy accept; }}; }}"));

    private async Task RunScriptAsync(string script)
    {
        var file = Path.Combine(Path.GetTempPath(), $"sph-nft-{Guid.NewGuid():n}.nft");
        await File.WriteAllTextAsync(file, script + "\n");
        try
        {
            await ProcessRunner.RunCheckedAsync(IpCommand.Ip, ["netns", "exec", _router, IpCommand.Nft, "-f", file], TimeSpan.FromSeconds(20));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
