namespace SmtpProbeHub.Probe.Model;

/// <summary>How the probe uses TLS.</summary>
public enum TlsMode
{
    /// <summary>Never STARTTLS, even when offered.</summary>
    None,
    /// <summary>STARTTLS when offered; certificate problems are reported, not fatal.</summary>
    Opportunistic,
    /// <summary>STARTTLS must be offered and succeed, else the probe fails.</summary>
    Required,
    /// <summary>TLS from the first byte (SMTPS, port 465).</summary>
    Implicit,
}
