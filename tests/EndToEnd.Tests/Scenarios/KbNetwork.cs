using System.Text;
using System.Text.Json.Nodes;
using SmtpProbeHub.TestSupport.Dns;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Netns;
using SmtpProbeHub.TestSupport.Postfix;
using SmtpProbeHub.TestSupport.Processes;

namespace SmtpProbeHub.EndToEnd.Tests.Scenarios;

/// <summary>
/// The KB 153119 situation, built once for the scenario class: a <see cref="NetworkTopology"/>; in corp a real
/// Postfix (192.0.2.25:25), the corp resolver (192.0.2.53) and the inside agent; on the internet the outside agent
/// and the public resolver (198.51.100.53); the built hub in the router namespace, reachable from both sides.
/// Scenarios change one knob (router rules, public DNS, Postfix client rules) after <see cref="ResetAsync"/>.
/// Everything is stopped and the namespaces removed on dispose, also when the start failed halfway.
/// </summary>
public sealed partial class KbNetwork : IAsyncLifetime
{
    private const string ApiKey = "scenario-api-key";
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"sph-scenarios-{Guid.NewGuid():n}");
    private readonly List<ChildProcess> _processes = [];
    private NetworkTopology? _topology;
    private PostfixInstance? _postfix;
    private DnsmasqInstance? _corpDns;
    private DnsmasqInstance? _internetDns;
    private bool _publicDnsChanged;
    private bool _portForwarded;
    private string? _postfixKnob;

    internal NetworkTopology Topology => _topology ?? throw new InvalidOperationException("Not started.");

    internal PostfixInstance Postfix => _postfix ?? throw new InvalidOperationException("Not started.");

    internal HubClient Hub { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        try
        {
            Directory.CreateDirectory(_root);
            _topology = await NetworkTopology.CreateAsync();
            _postfix = await PostfixInstance.StartAsync(new PostfixOptions
            {
                NetworkNamespace = _topology.Corp,
                ListenAddress = TopologyAddresses.CorpMail,
                Port = 25,
            });
            _corpDns = await DnsmasqInstance.StartInNamespaceAsync(ScenarioZones.Current(), _topology.Corp, TopologyAddresses.CorpDns);
            _internetDns = await DnsmasqInstance.StartInNamespaceAsync(ScenarioZones.Current(), _topology.Internet, TopologyAddresses.InternetDns);
            StartHub();
            StartAgent("inside-1", "inside", _topology.Corp, TopologyAddresses.CorpGateway.ToString(), TopologyAddresses.CorpDns.ToString());
            StartAgent("outside-1", "outside", _topology.Internet, TopologyAddresses.InternetGateway.ToString(), TopologyAddresses.InternetDns.ToString());
            await WaitForAgentsAsync();
        }
        catch (Exception e)
        {
            var diagnostics = Diagnostics();
            await DisposeAsync();
            throw new InvalidOperationException($"The scenario network did not start: {e.Message}{Environment.NewLine}{diagnostics}", e);
        }
    }

    /// <summary>Back to everything open: no router rules or port forwards, the public DNS says what corp's says, Postfix accepts everyone.</summary>
    public async Task ResetAsync()
    {
        await Topology.Firewall.AllowAllAsync();
        if (_portForwarded)
        {
            await Topology.Firewall.RemovePortForwardsAsync();
            _portForwarded = false;
        }

        if (_publicDnsChanged)
        {
            await ServePublicZoneAsync(ScenarioZones.Current());
            _publicDnsChanged = false;
        }

        if (_postfixKnob is not null)
        {
            await Postfix.ReconfigureAsync(new Dictionary<string, string>
            {
                ["smtpd_client_restrictions"] = "",
                ["smtpd_discard_ehlo_keyword_address_maps"] = "",
            });
            _postfixKnob = null;
        }
    }

    /// <summary>The public resolver serves a stale MX (old-mx.corp.test → 198.51.100.25, where nothing listens).</summary>
    public async Task ServeStalePublicMxAsync()
    {
        await ServePublicZoneAsync(ScenarioZones.Stale());
        _publicDnsChanged = true;
    }

    /// <summary>
    /// Split-horizon DNS with NAT, the usual way a mail server behind a router is published: the router forwards TCP 25
    /// on the public address 198.51.100.125 to Postfix (192.0.2.25), and the public resolver gives that address for
    /// mx.corp.test while the corp resolver keeps giving the private one.
    /// </summary>
    public async Task PublishThroughNatAsync()
    {
        await Topology.Firewall.ForwardPortAsync(TopologyAddresses.CorpMailPublic, TopologyAddresses.CorpMail, 25);
        _portForwarded = true;
        await ServePublicZoneAsync(ScenarioZones.PublicNat());
        _publicDnsChanged = true;
    }

    /// <summary>Postfix refuses clients from the internet range: <c>554 5.7.1 … Client host rejected</c> (at RCPT, smtpd_delay_reject).</summary>
    public Task RefuseInternetClientsAsync() => SetPostfixKnobAsync("client_access",
        $"{TopologyAddresses.InternetNetwork} REJECT Access denied for your network",
        "smtpd_client_restrictions", "check_client_access cidr:");

    /// <summary>Postfix does not offer STARTTLS to clients from the internet range (as an "SMTP inspection" box that strips it).</summary>
    public Task HideStartTlsFromInternetAsync() => SetPostfixKnobAsync("ehlo_discard",
        $"{TopologyAddresses.InternetNetwork} starttls",
        "smtpd_discard_ehlo_keyword_address_maps", "cidr:");

    /// <summary>Output of the hub and agents, and the Postfix log: attached to failures.</summary>
    public string Diagnostics()
    {
        var text = new StringBuilder();
        foreach (var process in _processes)
        {
            var output = process.Text;
            text.AppendLine($"--- {process.Name} ({(process.HasExited ? "exited" : "running")}), last output:");
            text.AppendLine(output.Length > 6000 ? output[^6000..] : output);
        }

        if (_postfix is not null)
        {
            var log = _postfix.ReadLog();
            text.AppendLine("--- postfix log (tail):").AppendLine(log.Length > 4000 ? log[^4000..] : log);
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        Hub?.Dispose();
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        _processes.Clear();
        await DisposeQuietlyAsync(_internetDns);
        await DisposeQuietlyAsync(_corpDns);
        await DisposeQuietlyAsync(_postfix);
        try
        {
            if (_topology is not null)
            {
                await _topology.DisposeAsync();
            }
        }
        finally
        {
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
    }

    private static async Task DisposeQuietlyAsync(IAsyncDisposable? peer)
    {
        try
        {
            if (peer is not null)
            {
                await peer.DisposeAsync();
            }
        }
        catch (Exception)
        {
            // The topology teardown kills whatever is left in the namespaces.
        }
    }

    private async Task ServePublicZoneAsync(DnsZone zone)
    {
        await _internetDns!.DisposeAsync();
        _internetDns = await DnsmasqInstance.StartInNamespaceAsync(zone, Topology.Internet, TopologyAddresses.InternetDns);
    }

    private async Task SetPostfixKnobAsync(string table, string line, string parameter, string valuePrefix)
    {
        var path = Path.Combine(Postfix.ConfigDirectory, table);
        await File.WriteAllTextAsync(path, line + "\n");
        await Postfix.ReconfigureAsync(new Dictionary<string, string> { [parameter] = valuePrefix + path });
        _postfixKnob = parameter;
    }
}
