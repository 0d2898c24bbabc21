using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Probes;

/// <summary>
/// A probe request: the KB 153119 test to run and which agents run it. Only <c>to</c> is required; every
/// other field has the documented default (the KB's own example values). Nested parts are the probe
/// model's own types, so the request becomes a plan with one mapping (<see cref="ToPlan"/>).
/// </summary>
public sealed record ProbeRequest
{
    /// <summary>Envelope sender (MAIL FROM) and From header. Default "admin@test.com"; "" sends the null reverse-path &lt;&gt;.</summary>
    /// <example>admin@test.com</example>
    public string? From { get; init; }

    /// <summary>Recipients (1 to 100); one RCPT TO step each. Required.</summary>
    public IReadOnlyList<string>? To { get; init; }

    /// <summary>Host name or IP literal of the SMTP server. Absent: the MX of the first recipient's domain.</summary>
    /// <example>127.0.0.1</example>
    public string? Server { get; init; }

    /// <summary>TCP port (1–65535). Default 25, or 465 with tls=implicit.</summary>
    /// <example>25</example>
    public int? Port { get; init; }

    /// <summary>The name sent with EHLO/HELO. Default "test.com".</summary>
    /// <example>test.com</example>
    public string? Helo { get; init; }

    /// <summary>TLS use: none | opportunistic (default) | required | implicit.</summary>
    public TlsMode? Tls { get; init; }

    /// <summary>AUTH credentials (optional). The password is used once and never stored, logged or returned.</summary>
    public AuthPlan? Auth { get; init; }

    /// <summary>DSN parameters (the KB's advanced test), optional.</summary>
    public DsnPlan? Dsn { get; init; }

    /// <summary>The last step before QUIT (QUIT is always sent when connected). Default quit: the whole sequence.</summary>
    public StepName? QuitAfter { get; init; }

    /// <summary>The test message. Default subject "test message", body "This is a test message".</summary>
    public MessagePlan? Message { get; init; }

    /// <summary>Timeouts in seconds.</summary>
    public ProbeTimeouts? Timeouts { get; init; }

    /// <summary>Which agents run the probe. Absent: the built-in agent when online, else one online agent.</summary>
    public AgentSelectorRequest? Agents { get; init; }

    /// <summary>The plan this request asks for, with every default applied. The one request → plan mapping.</summary>
    public ProbePlan ToPlan() => new()
    {
        To = To ?? [],
        From = From ?? ProbeDefaults.From,
        Server = string.IsNullOrEmpty(Server) ? null : Server,
        Port = Port,
        Helo = Helo ?? ProbeDefaults.Helo,
        Tls = Tls ?? TlsMode.Opportunistic,
        Auth = Auth,
        Dsn = Dsn,
        QuitAfter = QuitAfter ?? StepName.Quit,
        Message = Message ?? new MessagePlan(),
        Timeouts = Timeouts ?? new ProbeTimeouts(),
    };
}
