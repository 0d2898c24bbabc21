using System.Net;
using System.Net.Sockets;
using SmtpProbeHub.TestSupport.Peers;
using SmtpProbeHub.TestSupport.Processes;

namespace SmtpProbeHub.TestSupport.Netns;

/// <summary>
/// The KB 153119 situation on real networks, made of network namespaces that belong to this topology only:
/// <list type="bullet">
/// <item><c>corp</c> (192.0.2.0/24): the mail server, the corp resolver, the inside agent; default route via the router.</item>
/// <item><c>internet</c> (198.51.100.0/24): the outside agent and its own resolver; default route via the router.</item>
/// <item><c>router</c>: a veth leg in each (192.0.2.1, 198.51.100.1; the internet leg also answers for the mail
/// server's public address 198.51.100.125), IP forwarding on (in this namespace only), nftables tables whose forward
/// rules and port forwards (DNAT) a scenario sets (<see cref="Firewall"/>). The hub runs here, reachable by both
/// sides and never filtered.</item>
/// </list>
/// The router has no other interface and no default route, so no packet leaves the namespaces; the root
/// namespace's interfaces, routes and firewall are never touched. Needs root; fails clearly otherwise.
/// Dispose removes every namespace and kills every process in them, also after a failed start. Namespaces left
/// by a crashed run are swept when the next topology is created.
/// </summary>
public sealed class NetworkTopology : IAsyncDisposable
{
    private readonly NamespaceNames _names;
    private readonly TopologyOwnership _ownership;
    private bool _disposed;

    private NetworkTopology(NamespaceNames names, TopologyOwnership ownership)
    {
        _names = names;
        _ownership = ownership;
        Firewall = new RouterFirewall(names.Router);
    }

    /// <summary>This topology's random id (part of every namespace name).</summary>
    public string Id => _names.Id;

    /// <summary>The corp namespace's name.</summary>
    public string Corp => _names.Corp;

    /// <summary>The internet namespace's name.</summary>
    public string Internet => _names.Internet;

    /// <summary>The router namespace's name.</summary>
    public string Router => _names.Router;

    /// <summary>The router's forward filter.</summary>
    public RouterFirewall Firewall { get; }

    /// <summary>Builds a new topology; on any failure removes what was made and throws.</summary>
    public static async Task<NetworkTopology> CreateAsync()
    {
        RequiredBinary.RequireRoot("A network topology (ip netns, veth, nftables)");
        RequiredBinary.Require(IpCommand.Ip, "iproute2");
        RequiredBinary.Require(IpCommand.Nft, "nftables");

        var names = NamespaceNames.CreateUnique();
        // Claim before creating anything, so a parallel run's sweep never takes our fresh namespaces for leftovers.
        var topology = new NetworkTopology(names, TopologyOwnership.Claim(names));
        try
        {
            await TopologyOwnership.SweepStaleAsync();
            await topology.BuildAsync();
            return topology;
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a short command in <paramref name="ns"/> and returns its exit code and output.</summary>
    public Task<ProcessOutcome> ExecAsync(string ns, TimeSpan timeout, string file, params string[] arguments) =>
        IpCommand.TryExecAsync(ns, timeout, file, arguments);

    /// <summary>Starts a long-running process in <paramref name="ns"/>; dispose it to stop it (the topology kills what is left).</summary>
    public ChildProcess Start(string name, string ns, string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null) =>
        ChildProcess.Start(name, file, arguments, environment, workingDirectory, KeptLines, ns);

    // Agents and the hub log for the whole test run: the tail is what a failure message needs.
    private const int KeptLines = 10_000;

    /// <summary>
    /// Tries a TCP connection from inside <paramref name="ns"/>: <see cref="SocketError.Success"/>, or how it failed
    /// (<see cref="SocketError.TimedOut"/> for a silent drop, <see cref="SocketError.ConnectionRefused"/> for a reset,
    /// <see cref="SocketError.NetworkUnreachable"/> for an address with no route).
    /// </summary>
    public static async Task<SocketError> TryConnectAsync(string ns, IPAddress address, int port, TimeSpan timeout)
    {
        using var socket = NamespaceSockets.Create(ns, address.AddressFamily);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), cts.Token);
            return SocketError.Success;
        }
        catch (OperationCanceledException)
        {
            return SocketError.TimedOut;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }

    /// <summary>Kills every process in the namespaces and removes them. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await NamespaceTeardown.RemoveAsync(_names.All);
        }
        finally
        {
            _ownership.Dispose();
        }
    }

    private async Task BuildAsync()
    {
        foreach (var ns in _names.All)
        {
            await IpCommand.RunAsync("netns", "add", ns);
            await IpCommand.InAsync(ns, "link", "set", "lo", "up");
        }

        // Each veth pair is created inside the router namespace with its peer moved straight into the other
        // namespace: no interface ever exists in the root namespace, and short names cannot collide there.
        await LinkAsync(Corp, "corp0", TopologyAddresses.CorpGateway, TopologyAddresses.Corp);
        await LinkAsync(Internet, "inet0", TopologyAddresses.InternetGateway, TopologyAddresses.Internet);
        // The public address of corp's mail server is the router's: what reaches it is forwarded only by a port forward.
        await IpCommand.InAsync(Router, "addr", "add", $"{TopologyAddresses.CorpMailPublic}/32", "dev", "inet0");
        await IpCommand.ExecAsync(Router, "/usr/sbin/sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        await Firewall.CreateAsync();
    }

    private async Task LinkAsync(string ns, string routerLeg, IPAddress gateway, IReadOnlyList<IPAddress> addresses)
    {
        await IpCommand.InAsync(Router, "link", "add", routerLeg, "type", "veth", "peer", "name", "eth0", "netns", ns);
        await IpCommand.InAsync(Router, "addr", "add", $"{gateway}/24", "dev", routerLeg);
        await IpCommand.InAsync(Router, "link", "set", routerLeg, "up");
        foreach (var address in addresses)
        {
            await IpCommand.InAsync(ns, "addr", "add", $"{address}/24", "dev", "eth0");
        }

        await IpCommand.InAsync(ns, "link", "set", "eth0", "up");
        await IpCommand.InAsync(ns, "route", "add", "default", "via", gateway.ToString());
    }
}
