using System.Net;
using SmtpProbeHub.Probe;

namespace SmtpProbeHub.Api.Agents.Local;

/// <summary>The built-in agent (section <c>Hub:LocalAgent</c>): the hub's own vantage point, on by default.</summary>
public sealed class LocalAgentOptions
{
    public const string Section = "Hub:LocalAgent";

    /// <summary>Run probes in the hub process. Off: only remote agents run probes.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Agent id.</summary>
    public string Id { get; set; } = "hub";

    /// <summary>Agent name.</summary>
    public string Name { get; set; } = "hub";

    /// <summary>Labels (zone=hub is always set unless configured otherwise).</summary>
    public Dictionary<string, string> Labels { get; set; } = new() { ["zone"] = "hub" };

    /// <summary>Concurrent runs; more wait queued.</summary>
    public int Capacity { get; set; } = 64;

    /// <summary>DNS servers for MX lookups as "address:port" (empty: the system's resolvers).</summary>
    public List<string> DnsServers { get; set; } = [];

    /// <summary>The engine settings of the built-in agent ("127.0.0.1:5353"; no port means 53).</summary>
    public ProbeEngineOptions ToEngineOptions() => new()
    {
        DnsServers = [.. DnsServers.Select(IPEndPoint.Parse).Select(e => e.Port == 0 ? new IPEndPoint(e.Address, 53) : e)],
        // The built-in agent has no policy of its own: each assignment carries the hub's (Hub:Targets), and that is the limit.
        Targets = Probe.Targets.TargetPolicy.AllowAll,
    };

    /// <summary>True when every DNS server parses as address[:port].</summary>
    public bool DnsServersValid() => DnsServers.All(s => IPEndPoint.TryParse(s, out _));
}
