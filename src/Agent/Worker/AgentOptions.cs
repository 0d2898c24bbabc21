namespace SmtpProbeHub.Agent.Worker;

/// <summary>The agent's settings: section <c>Agent</c> of appsettings, environment (<c>Agent__HubUrl</c>) or command line.</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>The hub's gRPC endpoint, e.g. https://hub.example:5081. Plain http only to loopback or with <see cref="AllowInsecure"/>.</summary>
    public string HubUrl { get; set; } = "http://127.0.0.1:5081";

    /// <summary>The name shown in the hub's agent list.</summary>
    public string Name { get; set; } = Environment.MachineName;

    /// <summary>Selection labels, e.g. <c>Agent:Labels:zone=inside</c>.</summary>
    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The token the hub knows this agent by. Sent only in call metadata; never logged.</summary>
    public string Token { get; set; } = "";

    /// <summary>Most probes run at once.</summary>
    public int Capacity { get; set; } = 64;

    /// <summary>DNS servers for MX lookups as "ip" or "ip:port"; empty means the system's resolvers.</summary>
    public List<string> DnsServers { get; set; } = [];

    /// <summary>Where the agent keeps its id and the results the hub has not acknowledged yet.</summary>
    public string DataDirectory { get; set; } = DefaultDataDirectory();

    /// <summary>Allow a plaintext http hub URL that is not loopback (logs a warning).</summary>
    public bool AllowInsecure { get; set; }

    /// <summary>A PEM file with the private CA that signed the hub's certificate, or empty for the system's roots.</summary>
    public string HubCaCertificate { get; set; } = "";

    /// <summary>How long a stop waits for runs in flight before cancelling them.</summary>
    public double DrainSeconds { get; set; } = 20;

    /// <summary>HTTP/2 keepalive ping interval on the hub connection (finds half-open connections).</summary>
    public double KeepAlivePingSeconds { get; set; } = 15;

    /// <summary>How long the agent waits for the hub's welcome after hello.</summary>
    public double WelcomeTimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// Where this agent may connect, whatever the hub asks (<c>Agent:Targets:AllowedNetworks:0=10.20.0.0/16</c>). The hub's
    /// policy for a run applies on top of it: an address must pass both.
    /// </summary>
    public AgentTargetOptions Targets { get; set; } = new();

    private static string DefaultDataDirectory() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify) is { Length: > 0 } local
            ? local
            : Path.GetTempPath(), "smtpprobehub-agent");
}

/// <summary>
/// The agent's own target policy (section <c>Agent:Targets</c>): ports (empty: 25, 465, 587, 2525) and networks allowed
/// or denied on top of the built-in denials (loopback, link-local, private ranges, multicast, this machine's addresses).
/// </summary>
public sealed class AgentTargetOptions
{
    /// <summary>Allowed ports and ranges ("25", "1024-65535").</summary>
    public List<string> AllowedPorts { get; set; } = [];

    /// <summary>Networks allowed even where a built-in denial covers them, e.g. the corp mail servers' 10.20.0.0/16.</summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Networks refused whatever else allows them.</summary>
    public List<string> DeniedNetworks { get; set; } = [];

    /// <summary>What does not parse, empty when usable.</summary>
    public IReadOnlyList<string> Problems() => Probe.Targets.TargetPolicy.Problems(AllowedPorts, AllowedNetworks, DeniedNetworks);

    /// <summary>The policy (refusals call it "agent policy").</summary>
    public Probe.Targets.TargetPolicy ToPolicy() => Probe.Targets.TargetPolicy.Create("agent policy", AllowedPorts, AllowedNetworks, DeniedNetworks);
}
