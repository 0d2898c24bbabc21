namespace SmtpProbeHub.Probe.Model;

/// <summary>Who a transcript line came from.</summary>
public enum TranscriptDirection
{
    /// <summary>A line the probe sent.</summary>
    Sent,
    /// <summary>A line the server sent.</summary>
    Received,
    /// <summary>A note from the probe (DNS records, connection attempts, skipped parameters).</summary>
    Info,
    /// <summary>TLS handshake details.</summary>
    Tls,
}
