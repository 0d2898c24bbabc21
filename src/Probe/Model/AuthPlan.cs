namespace SmtpProbeHub.Probe.Model;

/// <summary>SASL mechanisms the probe can use.</summary>
public enum AuthMechanism
{
    /// <summary>AUTH PLAIN (RFC 4616).</summary>
    Plain,
    /// <summary>AUTH LOGIN.</summary>
    Login,
}

/// <summary>AUTH credentials. The password is used once and never shown: <see cref="ToString"/> redacts it.</summary>
public sealed record AuthPlan
{
    /// <summary>The user name.</summary>
    public required string Username { get; init; }

    /// <summary>The secret. Never logged, stored or returned.</summary>
    public required string Password { get; init; }

    /// <summary>The mechanism.</summary>
    public AuthMechanism Mechanism { get; init; } = AuthMechanism.Plain;

    /// <summary>Send credentials over a connection without TLS (off by default: they would cross the wire in clear).</summary>
    public bool AllowWithoutTls { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"AuthPlan {{ Username = {Username}, Password = ***, Mechanism = {Mechanism}, AllowWithoutTls = {AllowWithoutTls} }}";
}
