namespace SmtpProbeHub.Probe.Model;

/// <summary>
/// What one probe does: the fields of the REST request (DESIGN.md) without agent selection.
/// A request becomes a plan once; every default lives here.
/// </summary>
public sealed record ProbePlan
{
    /// <summary>Recipients; one <c>rcpt</c> step each. Required.</summary>
    public required IReadOnlyList<string> To { get; init; }

    /// <summary>The envelope sender (MAIL FROM) and From header. Empty means the null reverse-path &lt;&gt;.</summary>
    public string From { get; init; } = ProbeDefaults.From;

    /// <summary>Host name or IP literal of the server; null means the MX of the first recipient's domain.</summary>
    public string? Server { get; init; }

    /// <summary>TCP port; null means 25, or 465 with implicit TLS.</summary>
    public int? Port { get; init; }

    /// <summary>The name sent with EHLO/HELO.</summary>
    public string Helo { get; init; } = ProbeDefaults.Helo;

    /// <summary>TLS use.</summary>
    public TlsMode Tls { get; init; } = TlsMode.Opportunistic;

    /// <summary>AUTH credentials, or null for none.</summary>
    public AuthPlan? Auth { get; init; }

    /// <summary>DSN parameters (the KB's advanced test), or null for none.</summary>
    public DsnPlan? Dsn { get; init; }

    /// <summary>The last step to run before QUIT (QUIT is always sent when connected).</summary>
    public StepName QuitAfter { get; init; } = StepName.Quit;

    /// <summary>The test message.</summary>
    public MessagePlan Message { get; init; } = new();

    /// <summary>Per-step timeouts.</summary>
    public ProbeTimeouts Timeouts { get; init; } = new();

    /// <summary>The id carried in the message's <c>X-SmtpProbeHub-Probe-Id</c> header.</summary>
    public string ProbeId { get; init; } = Guid.NewGuid().ToString("n");

    /// <summary>The port actually used.</summary>
    public int EffectivePort => Port ?? (Tls == TlsMode.Implicit ? 465 : 25);

    /// <summary>
    /// This plan with its secrets blanked (the AUTH password), the one form that may be stored, shown, or written where
    /// the secret must not go. The secret is used once, in memory; every other field is kept.
    /// </summary>
    public ProbePlan WithoutSecrets() => Auth is null ? this : this with { Auth = Auth with { Password = "" } };
}

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

/// <summary>The test message sent after DATA.</summary>
public sealed record MessagePlan
{
    /// <summary>The Subject header.</summary>
    public string Subject { get; init; } = ProbeDefaults.Subject;

    /// <summary>The plain-text body.</summary>
    public string Body { get; init; } = ProbeDefaults.Body;

    /// <summary>Extra headers (name → value).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}
