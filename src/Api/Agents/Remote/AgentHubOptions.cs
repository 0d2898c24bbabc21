namespace SmtpProbeHub.Api.Agents.Remote;

/// <summary>The gRPC endpoint remote agents dial (section <c>Hub:Grpc</c>).</summary>
public sealed class AgentHubOptions
{
    public const string Section = "Hub:Grpc";

    /// <summary>
    /// Where agents connect: shorthand for <c>Kestrel:Endpoints:Agents:Url</c> (appsettings.json: http://127.0.0.1:5081),
    /// an endpoint of its own beside the REST one, HTTP/2 only. Empty turns remote agents off.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>PEM certificate for an https <see cref="Url"/> (empty: Kestrel's default certificate); shorthand for <c>Kestrel:Endpoints:Agents:Certificate:Path</c>.</summary>
    public string CertificatePath { get; set; } = "";

    /// <summary>PEM private key of <see cref="CertificatePath"/>.</summary>
    public string KeyPath { get; set; } = "";

    /// <summary>How often agents send a heartbeat (told to them in the welcome).</summary>
    public double HeartbeatSeconds { get; set; } = 5;

    /// <summary>An agent silent this long is offline and its runs become agentLost.</summary>
    public double HeartbeatTimeoutSeconds { get; set; } = 15;

    /// <summary>How long a new stream may take to say hello.</summary>
    public double HelloTimeoutSeconds { get; set; } = 10;

    /// <summary>HTTP/2 keepalive pings from the hub, so half-open agent connections are found.</summary>
    public double KeepAlivePingSeconds { get; set; } = 20;
}
