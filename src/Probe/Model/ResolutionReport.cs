namespace SmtpProbeHub.Probe.Model;

/// <summary>What DNS answered.</summary>
/// <param name="Domain">The name looked up (recipient domain for MX, or the server name).</param>
/// <param name="ImplicitMx">True when no MX existed and the domain's own A/AAAA were used (RFC 5321 §5.1).</param>
/// <param name="Hosts">The mail hosts in the order they are tried.</param>
public sealed record ResolutionReport(string Domain, bool ImplicitMx, IReadOnlyList<MailHost> Hosts);

/// <summary>A mail host and its addresses.</summary>
/// <param name="Name">The host name.</param>
/// <param name="Preference">The MX preference, or null when not from an MX record.</param>
/// <param name="Addresses">Its IPv4 and IPv6 addresses.</param>
public sealed record MailHost(string Name, int? Preference, IReadOnlyList<string> Addresses);
