using System.Net;
using System.Net.NetworkInformation;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Security;
using SmtpProbeHub.Probe.Targets;

namespace SmtpProbeHub.Api.Monitors.Webhooks;

/// <summary>
/// Where webhooks may connect: the hub's target policy (Hub:Targets networks and the built-in denials of loopback,
/// link-local, private ranges and this machine's addresses) with the webhook ports (default 80, 443), and never a port
/// this hub listens on at one of its own addresses, even where loopback is allowed. Checked when a monitor is saved
/// (URL host resolved) and again on the resolved address right before every connection, so DNS cannot move a webhook
/// to a refused address later (no SSRF through webhooks).
/// </summary>
internal sealed class WebhookPolicy(IOptions<TargetPolicyOptions> targets, IOptions<MonitorOptions> monitors, IServer server)
{
    private const string Name = "webhook policy";
    private static readonly string[] DefaultPorts = ["80", "443"];
    private readonly Lazy<TargetPolicy> _policy = new(() => TargetPolicy.Create(
        Name,
        monitors.Value.Webhooks.AllowedPorts.Count > 0 ? monitors.Value.Webhooks.AllowedPorts : DefaultPorts,
        targets.Value.AllowedNetworks,
        targets.Value.DeniedNetworks));

    /// <summary>Refused (with the rule) or allowed, for one resolved address.</summary>
    public TargetDecision Check(IPAddress address, int port)
    {
        var decision = _policy.Value.Check(address, port);
        if (decision.Allowed && IsOwnAddress(address) && HubPorts().Contains(port))
        {
            return TargetDecision.Refuse($"{address}:{port} is this hub's own endpoint, which the {Name} never allows");
        }

        return decision;
    }

    /// <summary>The URL checked as far as can be before connecting: its port, and every address its host resolves to now.</summary>
    public async Task<TargetDecision> CheckUrlAsync(Uri url, CancellationToken cancellationToken)
    {
        if (_policy.Value.CheckPort(url.Port) is { Allowed: false } refusedPort)
        {
            return refusedPort;
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                addresses = await Dns.GetHostAddressesAsync(url.IdnHost, timeout.Token);
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not resolvable now: it is checked again on every delivery, on the addresses it resolves to then.
                return TargetDecision.Allow;
            }
        }

        foreach (var address in addresses)
        {
            if (Check(address, url.Port) is { Allowed: false } refused)
            {
                return refused;
            }
        }

        return TargetDecision.Allow;
    }

    private HashSet<int> HubPorts()
    {
        var ports = new HashSet<int>();
        foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            if (Uri.TryCreate(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                ports.Add(uri.Port);
            }
        }

        return ports;
    }

    private static bool IsOwnAddress(IPAddress address)
    {
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        var candidate = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Any(u => u.Address.Equals(candidate));
    }
}
