using System.Net;
using System.Net.Sockets;
using SmtpProbeHub.TestSupport.Netns;
using SmtpProbeHub.TestSupport.Peers;
using SmtpProbeHub.TestSupport.Processes;

namespace SmtpProbeHub.EndToEnd.Tests.Netns;

public sealed class NetworkTopologyTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Build_CorpAndInternetReachEachOtherThroughTheRouter()
    {
        await using var topology = await NetworkTopology.CreateAsync();
        using var corpListener = Listen(topology.Corp, TopologyAddresses.CorpMail);
        using var internetListener = Listen(topology.Internet, TopologyAddresses.InternetAgent);

        Assert.Equal(SocketError.Success, await NetworkTopology.TryConnectAsync(topology.Internet, TopologyAddresses.CorpMail, PortOf(corpListener), Quick));
        Assert.Equal(SocketError.Success, await NetworkTopology.TryConnectAsync(topology.Corp, TopologyAddresses.InternetAgent, PortOf(internetListener), Quick));
        // The hub's place: the router's own addresses answer from both sides.
        using var hubListener = Listen(topology.Router, IPAddress.Any);
        Assert.Equal(SocketError.Success, await NetworkTopology.TryConnectAsync(topology.Corp, TopologyAddresses.CorpGateway, PortOf(hubListener), Quick));
        Assert.Equal(SocketError.Success, await NetworkTopology.TryConnectAsync(topology.Internet, TopologyAddresses.InternetGateway, PortOf(hubListener), Quick));
    }

    [Fact]
    public async Task Build_NoRouteLeavesTheNamespaces()
    {
        await using var topology = await NetworkTopology.CreateAsync();

        // Checked in the routing tables, not by sending a packet to an address outside the test ranges:
        // corp and internet route everything to the router, and the router knows only the two test networks.
        var routes = await topology.ExecAsync(topology.Router, Quick, "/usr/sbin/ip", "-4", "route", "show");
        var lines = routes.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.True(line.StartsWith("192.0.2.0/24 ", StringComparison.Ordinal) || line.StartsWith("198.51.100.0/24 ", StringComparison.Ordinal), line));
        Assert.DoesNotContain("default", routes.Output, StringComparison.Ordinal);
        var v6 = await topology.ExecAsync(topology.Router, Quick, "/usr/sbin/ip", "-6", "route", "show", "default");
        Assert.Equal("", v6.Output.Trim());
    }

    [Fact]
    public async Task DropInbound_InternetTimesOut_CorpStillReachesTheInternet()
    {
        await using var topology = await NetworkTopology.CreateAsync();
        using var corpListener = Listen(topology.Corp, TopologyAddresses.CorpMail);
        using var internetListener = Listen(topology.Internet, TopologyAddresses.InternetAgent);

        await topology.Firewall.DropInboundAsync(PortOf(corpListener));

        Assert.Equal(SocketError.TimedOut, await NetworkTopology.TryConnectAsync(topology.Internet, TopologyAddresses.CorpMail, PortOf(corpListener), Quick));
        Assert.Equal(SocketError.Success, await NetworkTopology.TryConnectAsync(topology.Corp, TopologyAddresses.InternetAgent, PortOf(internetListener), Quick));
    }

    [Fact]
    public async Task RejectInboundWithReset_InternetIsRefused_AllowAllRestores()
    {
        await using var topology = await NetworkTopology.CreateAsync();
        using var corpListener = Listen(topology.Corp, TopologyAddresses.CorpMail);
        var port = PortOf(corpListener);

        await topology.Firewall.RejectInboundWithResetAsync(port);
        Assert.Equal(SocketError.ConnectionRefused, await NetworkTopology.TryConnectAsync(topology.Internet, TopologyAddresses.CorpMail, port, Quick));
        Assert.Single(topology.Firewall.Rules);

        await topology.Firewall.AllowAllAsync();
        Assert.Equal(SocketError.Success, await NetworkTopology.TryConnectAsync(topology.Internet, TopologyAddresses.CorpMail, port, Quick));
        Assert.Empty(topology.Firewall.Rules);
    }

    [Fact]
    public async Task ForwardPort_InternetReachesCorpAtThePublicAddress_RemoveRestores()
    {
        await using var topology = await NetworkTopology.CreateAsync();
        using var corpListener = Listen(topology.Corp, TopologyAddresses.CorpMail);
        var port = PortOf(corpListener);

        await topology.Firewall.ForwardPortAsync(TopologyAddresses.CorpMailPublic, TopologyAddresses.CorpMail, port);
        Assert.Equal(SocketError.Success, await NetworkTopology.TryConnectAsync(topology.Internet, TopologyAddresses.CorpMailPublic, port, Quick));
        Assert.Single(topology.Firewall.PortForwards);

        // Without the forward the router answers for the public address itself, and nothing listens there.
        await topology.Firewall.RemovePortForwardsAsync();
        Assert.Equal(SocketError.ConnectionRefused, await NetworkTopology.TryConnectAsync(topology.Internet, TopologyAddresses.CorpMailPublic, port, Quick));
        Assert.Empty(topology.Firewall.PortForwards);
    }

    [Fact]
    public async Task Build_LeavesTheRootNamespaceAlone()
    {
        var forwardingBefore = await File.ReadAllTextAsync("/proc/sys/net/ipv4/ip_forward", TestContext.Current.CancellationToken);
        await using var topology = await NetworkTopology.CreateAsync();

        Assert.Equal(forwardingBefore, await File.ReadAllTextAsync("/proc/sys/net/ipv4/ip_forward", TestContext.Current.CancellationToken));
        var rootLinks = await ProcessRunner.RunCheckedAsync("/usr/sbin/ip", ["-o", "link", "show"], Quick);
        Assert.DoesNotContain("corp0", rootLinks, StringComparison.Ordinal);
        Assert.DoesNotContain("inet0", rootLinks, StringComparison.Ordinal);
        var routerForwarding = await topology.ExecAsync(topology.Router, Quick, "/usr/sbin/sysctl", "-n", "net.ipv4.ip_forward");
        Assert.Equal("1", routerForwarding.Output.Trim());
    }

    [Fact]
    public async Task Dispose_RemovesTheNamespacesAndKillsTheirProcesses()
    {
        var topology = await NetworkTopology.CreateAsync();
        var names = new[] { topology.Corp, topology.Internet, topology.Router };
        var sleeper = topology.Start("sleeper", topology.Corp, "/bin/sleep", ["600"]);
        Assert.Contains(topology.Corp, await ListNamespacesAsync());

        await topology.DisposeAsync();

        var left = await ListNamespacesAsync();
        Assert.All(names, name => Assert.DoesNotContain(name, left));
        Assert.True(sleeper.HasExited, "a process started in the corp namespace survived the topology");
        await sleeper.DisposeAsync();
    }

    [Fact]
    public async Task Create_SweepsNamespacesLeftByACrashedRun()
    {
        // A leftover as a killed run leaves it: our name pattern, a process inside, and no live owner.
        var leftover = $"sph-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..4])}-corp";
        await ProcessRunner.RunCheckedAsync("/usr/sbin/ip", ["netns", "add", leftover], Quick);
        var orphan = ChildProcess.Start("orphan", "/bin/sleep", ["600"], networkNamespace: leftover);
        try
        {
            await using var topology = await NetworkTopology.CreateAsync();

            Assert.DoesNotContain(leftover, await ListNamespacesAsync());
            Assert.True(orphan.HasExited, "the process in the leftover namespace was not killed");
        }
        finally
        {
            await orphan.DisposeAsync();
            await ProcessRunner.RunAsync("/usr/sbin/ip", ["netns", "delete", leftover], Quick);
        }
    }

    private static Socket Listen(string ns, IPAddress address)
    {
        var socket = NamespaceSockets.Create(ns);
        socket.Bind(new IPEndPoint(address, 0));
        socket.Listen(16);
        return socket;
    }

    private static int PortOf(Socket listener) => ((IPEndPoint)listener.LocalEndPoint!).Port;

    private static async Task<string[]> ListNamespacesAsync()
    {
        var output = await ProcessRunner.RunCheckedAsync("/usr/sbin/ip", ["netns", "list"], Quick);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0])];
    }
}
