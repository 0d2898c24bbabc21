namespace SmtpProbeHub.Probe.Model;

/// <summary>The ESMTP extensions a server advertised in its EHLO reply.</summary>
public sealed record EhloCapabilities
{
    /// <summary>The greeting name on the first line of the EHLO reply.</summary>
    public string? ServerName { get; init; }

    /// <summary>Every keyword advertised, upper case, with its parameters as sent.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    /// <summary>SIZE limit in bytes (0 = no fixed limit), or null if SIZE is absent.</summary>
    public long? Size { get; init; }

    /// <summary>PIPELINING.</summary>
    public bool Pipelining { get; init; }

    /// <summary>STARTTLS.</summary>
    public bool StartTls { get; init; }

    /// <summary>AUTH mechanisms, upper case.</summary>
    public IReadOnlyList<string> AuthMechanisms { get; init; } = [];

    /// <summary>DSN (RFC 3461).</summary>
    public bool Dsn { get; init; }

    /// <summary>8BITMIME.</summary>
    public bool EightBitMime { get; init; }

    /// <summary>SMTPUTF8 (RFC 6531).</summary>
    public bool SmtpUtf8 { get; init; }

    /// <summary>ENHANCEDSTATUSCODES (RFC 2034).</summary>
    public bool EnhancedStatusCodes { get; init; }

    /// <summary>CHUNKING (RFC 3030).</summary>
    public bool Chunking { get; init; }
}
