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
    public int Capacity { get; set; } = 16;

    /// <summary>DNS servers for MX lookups as "address:port" (empty: the system's resolvers).</summary>
    public List<string> DnsServers { get; set; } = [];
}
