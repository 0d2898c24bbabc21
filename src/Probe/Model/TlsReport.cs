namespace SmtpProbeHub.Probe.Model;

/// <summary>What the TLS handshake showed.</summary>
public sealed record TlsReport
{
    /// <summary>e.g. "Tls13".</summary>
    public string? Protocol { get; init; }

    /// <summary>The negotiated cipher suite.</summary>
    public string? CipherSuite { get; init; }

    /// <summary>The server certificate, when one was presented.</summary>
    public CertificateReport? Certificate { get; init; }
}

/// <summary>The server certificate as a mail administrator needs to see it.</summary>
public sealed record CertificateReport
{
    /// <summary>Subject distinguished name.</summary>
    public required string Subject { get; init; }

    /// <summary>Issuer distinguished name.</summary>
    public required string Issuer { get; init; }

    /// <summary>DNS names from the subjectAltName extension.</summary>
    public IReadOnlyList<string> SubjectAlternativeNames { get; init; } = [];

    /// <summary>Not valid before.</summary>
    public DateTimeOffset NotBefore { get; init; }

    /// <summary>Not valid after.</summary>
    public DateTimeOffset NotAfter { get; init; }

    /// <summary>Whole days until NotAfter (negative when expired).</summary>
    public int DaysToExpiry { get; init; }

    /// <summary>SHA-256 thumbprint, hex.</summary>
    public string? Thumbprint { get; init; }

    /// <summary>True when the chain builds to a trusted root.</summary>
    public bool ChainValid { get; init; }

    /// <summary>Chain problems in words (e.g. "UntrustedRoot"), empty when valid.</summary>
    public IReadOnlyList<string> ChainErrors { get; init; } = [];

    /// <summary>True when the certificate names the host connected to.</summary>
    public bool NameMatches { get; init; }

    /// <summary>True when the certificate is its own issuer.</summary>
    public bool SelfSigned { get; init; }
}
