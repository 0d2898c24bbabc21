namespace SmtpProbeHub.Probe.Model;

/// <summary>
/// Timeouts in seconds. Shorter than RFC 5321 §4.5.3.2's (5 minutes for most commands) because a
/// test tool must answer while the person is still looking; every one can be raised per plan.
/// </summary>
public sealed record ProbeTimeouts
{
    /// <summary>Each TCP connect attempt (and the TLS handshake).</summary>
    public double ConnectSeconds { get; init; } = 10;

    /// <summary>Waiting for the 220 greeting.</summary>
    public double BannerSeconds { get; init; } = 30;

    /// <summary>Each command's reply.</summary>
    public double CommandSeconds { get; init; } = 30;

    /// <summary>Sending the message and waiting for the reply to the final ".".</summary>
    public double MessageSeconds { get; init; } = 60;

    /// <summary>The whole probe, resolve to QUIT.</summary>
    public double TotalSeconds { get; init; } = 120;
}
