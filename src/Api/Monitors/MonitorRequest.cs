using SmtpProbeHub.Api.Probes;

namespace SmtpProbeHub.Api.Monitors;

/// <summary>
/// A monitor: the KB 153119 test (<see cref="Probe"/>, exactly what POST /api/v1/probes takes, agent selector included)
/// run on a <see cref="Schedule"/> from every selected agent, with <see cref="Alerts"/> rules and <see cref="Notify"/> targets.
/// Each scheduled execution is an ordinary probe (GET /api/v1/probes?monitor={id}).
/// </summary>
public sealed record MonitorRequest
{
    /// <summary>A unique name, 1–100 characters; it is the <c>monitor</c> label of the Prometheus series.</summary>
    /// <example>corp-mx</example>
    public string? Name { get; init; }

    /// <summary>The probe to run, as POST /api/v1/probes takes it (validated by the same rules). <c>auth</c> is refused: its password would have to be stored.</summary>
    public ProbeRequest? Probe { get; init; }

    /// <summary>When it runs. Required.</summary>
    public ScheduleRequest? Schedule { get; init; }

    /// <summary>When a vantage point's state changes and what raises an alert; every field has a default.</summary>
    public AlertRulesRequest? Alerts { get; init; }

    /// <summary>Where alerts go.</summary>
    public NotifyRequest? Notify { get; init; }

    /// <summary>Created (or updated) paused: it runs nothing until resumed. Default false.</summary>
    public bool? Paused { get; init; }
}

/// <summary>Either <c>every</c> or <c>cron</c> (with an optional <c>timeZone</c>).</summary>
public sealed record ScheduleRequest
{
    /// <summary>An interval: "30s", "5m", "1h", or ISO 8601 ("PT5M"); 1 s to 7 days. Slots are aligned to the interval, shifted by the monitor's jitter.</summary>
    /// <example>1m</example>
    public string? Every { get; init; }

    /// <summary>A cron expression: 5 fields (minute hour day month weekday) or 6 with seconds first, e.g. "*/5 * * * *".</summary>
    public string? Cron { get; init; }

    /// <summary>The IANA (or Windows) time zone the cron expression is read in; default UTC. Not with <c>every</c>.</summary>
    /// <example>Europe/Berlin</example>
    public string? TimeZone { get; init; }

    /// <summary>
    /// The most a slot is shifted, in seconds, so monitors sharing a schedule do not all start at once. The shift is fixed
    /// per monitor (derived from its id). Default: the smaller of the interval and 60 s for <c>every</c>, 10 s for <c>cron</c>; 0 turns it off.
    /// </summary>
    public int? JitterSeconds { get; init; }
}

/// <summary>Alert rules, per monitor and vantage point (agent).</summary>
public sealed record AlertRulesRequest
{
    /// <summary>Failed runs in a row before a vantage point is failing and an alert fires (1–100, default 2).</summary>
    public int? FailuresToAlert { get; init; }

    /// <summary>Passed runs in a row before a failing vantage point recovers (1–100, default 1).</summary>
    public int? PassesToRecover { get; init; }

    /// <summary>Alert when the server's TLS certificate expires within this many days (1–3650); absent: no certificate alert.</summary>
    public int? CertExpiryDays { get; init; }

    /// <summary>Alert when a step takes longer than this many milliseconds (1–600000); absent: no slow-step alert.</summary>
    public int? SlowStepMs { get; init; }
}

/// <summary>Notification targets.</summary>
public sealed record NotifyRequest
{
    /// <summary>Webhooks (at most 10) that get each alert as a signed JSON POST.</summary>
    public IReadOnlyList<WebhookRequest>? Webhooks { get; init; }
}

/// <summary>
/// A webhook: an HTTP(S) URL that the hub POSTs alerts to, signed with HMAC-SHA256 (header X-SmtpProbeHub-Signature:
/// "sha256=" + hex of HMAC(secret, timestamp + "." + body), timestamp in X-SmtpProbeHub-Timestamp). The URL obeys the
/// target policy (no loopback, link-local or private address unless allowed, never the hub's own ports).
/// </summary>
public sealed record WebhookRequest
{
    /// <summary>Absolute http:// or https:// URL without credentials.</summary>
    /// <example>https://alerts.corp.example/smtpprobehub</example>
    public string? Url { get; init; }

    /// <summary>The signing secret (16–200 characters). Never shown again; on update, absent keeps the secret of the webhook with the same URL.</summary>
    public string? Secret { get; init; }
}
