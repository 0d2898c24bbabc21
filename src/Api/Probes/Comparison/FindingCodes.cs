namespace SmtpProbeHub.Api.Probes.Comparison;

/// <summary>The stable codes of comparison findings (part of the public contract).</summary>
public static class FindingCodes
{
    /// <summary>Some vantage points time out (or get no route) connecting while others connect: inbound filtering on the path.</summary>
    public const string InboundFiltered = "path.inbound_filtered";

    /// <summary>Some vantage points get a reset (connection refused) while others connect: port closed or not forwarded for them.</summary>
    public const string InboundReset = "path.inbound_reset";

    /// <summary>Vantage points resolve different mail hosts or addresses: split DNS, or a stale public MX.</summary>
    public const string DifferentMx = "dns.different_mx";

    /// <summary>Some vantage points resolve no mail host at all while others do: public MX missing.</summary>
    public const string MissingMx = "dns.missing_mx";

    /// <summary>The server refuses some vantage points at the banner, EHLO, MAIL or RCPT with 554/421 or 5.7.x: it refuses those clients.</summary>
    public const string ServerRefusesClients = "server.refuses_clients";

    /// <summary>STARTTLS offered to some vantage points but not to others: a middlebox strips it (or the server is set so).</summary>
    public const string StartTlsStripped = "tls.starttls_stripped";

    /// <summary>Vantage points were shown different certificates: TLS interception, or different servers behind one name.</summary>
    public const string CertificateDiffers = "tls.certificate_differs";

    /// <summary>Every vantage point fails the same way: the server (or its own host), not the path.</summary>
    public const string SameFailureEverywhere = "server.same_failure_everywhere";

    /// <summary>The runs ended differently in a way no rule explains: compare the transcripts.</summary>
    public const string OutcomesDiffer = "outcome.differs";
}
