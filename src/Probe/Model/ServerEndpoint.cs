namespace SmtpProbeHub.Probe.Model;

/// <summary>The server the probe talked to (or last tried).</summary>
/// <param name="Host">The host name (MX name, or the server given), or the IP literal.</param>
/// <param name="Address">
/// The IP address connected to; when connecting failed, the address whose attempt the diagnosis describes (e.g. the
/// one that timed out). Null when no address was tried: DNS failed, or the target policy refused every address.
/// </param>
/// <param name="Port">The TCP port.</param>
public sealed record ServerEndpoint(string Host, string? Address, int Port);
