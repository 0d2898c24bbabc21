namespace SmtpProbeHub.Api.Probes.Comparison;

/// <summary>
/// The stable codes of comparison findings (part of the public contract). Each says its <see cref="FindingKind"/>;
/// docs/comparison.md has the table (when it fires, cause, next step).
/// </summary>
public static class FindingCodes
{
    /// <summary>Difference: some vantage points time out (or get no route) connecting while others connect: inbound filtering on the path.</summary>
    public const string InboundFiltered = "path.inbound_filtered";

    /// <summary>Difference: some vantage points are refused (TCP reset) connecting while others connect: the port is rejected or not forwarded for them.</summary>
    public const string InboundReset = "path.inbound_reset";

    /// <summary>
    /// Difference: some vantage points were not allowed to connect by a target policy (the hub's or their agent's,
    /// <c>connect.not_allowed</c>: no packet was sent) while others connect: a policy decision, not the network.
    /// </summary>
    public const string TargetNotAllowed = "policy.target_not_allowed";

    /// <summary>
    /// Difference: vantage points resolve different mail host names, or the same names to different addresses where another
    /// server answers (or where the server could not be reached to tell): a stale public MX or A record, or broken forwarding.
    /// </summary>
    public const string DifferentMx = "dns.different_mx";

    /// <summary>Note: the same mail host names resolve to different addresses, and the same server (greeting, EHLO extensions, certificate) answers at both: split-horizon DNS.</summary>
    public const string SplitHorizon = "dns.split_horizon";

    /// <summary>Difference: some vantage points resolve no mail host at all while others do: public MX missing, or their DNS fails.</summary>
    public const string MissingMx = "dns.missing_mx";

    /// <summary>Difference: the server refuses some vantage points at the banner, EHLO, MAIL or RCPT with 554/421 or 5.7.x: it refuses those clients.</summary>
    public const string ServerRefusesClients = "server.refuses_clients";

    /// <summary>Difference: STARTTLS offered to some vantage points but not to others: a middlebox strips it (or the server is set so).</summary>
    public const string StartTlsStripped = "tls.starttls_stripped";

    /// <summary>Difference: vantage points were shown different certificates: TLS interception, or different servers behind one name.</summary>
    public const string CertificateDiffers = "tls.certificate_differs";

    /// <summary>Shared failure: every vantage point fails the same way at the same server: the server (or what every path shares), not one path.</summary>
    public const string SameFailureEverywhere = "server.same_failure_everywhere";

    /// <summary>Difference: the runs ended differently in a way no rule explains: compare the transcripts.</summary>
    public const string OutcomesDiffer = "outcome.differs";
}
