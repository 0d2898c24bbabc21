using SmtpProbeHub.Api.Monitors.Alerts;
using SmtpProbeHub.Api.Probes;

namespace SmtpProbeHub.Api.Monitors;

/// <summary>A monitor as the API shows it: its definition without webhook secrets, its schedule's bookkeeping and every vantage point's state.</summary>
public sealed record MonitorView
{
    /// <summary>Monitor id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Its unique name (the <c>monitor</c> label of its series).</summary>
    public required string Name { get; init; }

    /// <summary>True: it runs nothing until resumed.</summary>
    public required bool Paused { get; init; }

    /// <summary>The probe each slot runs.</summary>
    public required ProbeRequest Probe { get; init; }

    /// <summary>The schedule as given.</summary>
    public required ScheduleRequest Schedule { get; init; }

    /// <summary>The alert rules with their defaults applied.</summary>
    public required AlertRulesRequest Alerts { get; init; }

    /// <summary>The webhooks (their secrets are never shown).</summary>
    public required IReadOnlyList<WebhookView> Webhooks { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was last changed (update, pause, resume).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The next slot (null while paused).</summary>
    public DateTimeOffset? NextRunAt { get; init; }

    /// <summary>The last slot claimed (run or skipped).</summary>
    public DateTimeOffset? LastSlotAt { get; init; }

    /// <summary>The last probe it ran: GET /api/v1/probes/{lastProbeId}.</summary>
    public Guid? LastProbeId { get; init; }

    /// <summary>Slots skipped because the previous probe was still running.</summary>
    public long SkippedSlots { get; init; }

    /// <summary>The last skipped slot.</summary>
    public DateTimeOffset? LastSkippedAt { get; init; }

    /// <summary>Its probes: GET /api/v1/probes?monitor={id}.</summary>
    public required string ProbesUrl { get; init; }

    /// <summary>One entry per vantage point (agent) that has run it, with its state.</summary>
    public IReadOnlyList<VantageState> VantagePoints { get; init; } = [];
}

/// <summary>A webhook of a monitor.</summary>
/// <param name="Url">Where alerts are POSTed.</param>
/// <param name="SecretSet">Always true: a secret is set (it is never shown).</param>
public sealed record WebhookView(string Url, bool SecretSet);

/// <summary>One page of monitors, by name.</summary>
/// <param name="Items">The monitors on this page (without vantage states).</param>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Monitors per page.</param>
/// <param name="Total">All monitors.</param>
public sealed record MonitorListView(IReadOnlyList<MonitorView> Items, int Page, int PageSize, int Total);

/// <summary>An alert of a monitor: the payload its webhooks got, and how each delivery went.</summary>
/// <param name="Alert">The webhook payload.</param>
/// <param name="Deliveries">One per webhook configured when it was raised.</param>
public sealed record AlertView(AlertPayload Alert, IReadOnlyList<WebhookDeliveryView> Deliveries);

/// <summary>One alert's delivery to one webhook.</summary>
/// <param name="Id">Delivery id (header X-SmtpProbeHub-Delivery).</param>
/// <param name="Url">The webhook.</param>
/// <param name="Status">pending | delivered | failed.</param>
/// <param name="Rounds">Rounds made (each a few attempts with backoff).</param>
/// <param name="NextAttemptAt">When the next round is due (pending).</param>
/// <param name="DeliveredAt">When it was delivered.</param>
/// <param name="Attempts">Every HTTP attempt, oldest first.</param>
public sealed record WebhookDeliveryView(Guid Id, string Url, WebhookDeliveryStatus Status, int Rounds, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, IReadOnlyList<WebhookAttempt> Attempts);

internal static class MonitorViews
{
    public static MonitorView From(MonitorRecord monitor, IReadOnlyList<VantageState>? states = null)
    {
        var definition = monitor.Definition;
        return new MonitorView
        {
            Id = monitor.Id,
            Name = definition.Name,
            Paused = monitor.Paused,
            Probe = definition.Probe,
            Schedule = definition.Schedule,
            Alerts = new AlertRulesRequest
            {
                FailuresToAlert = definition.FailuresToAlert,
                PassesToRecover = definition.PassesToRecover,
                CertExpiryDays = definition.CertExpiryDays,
                SlowStepMs = definition.SlowStepMs,
            },
            Webhooks = [.. definition.Webhooks.Select(w => new WebhookView(w.Url, true))],
            CreatedAt = monitor.CreatedAt,
            UpdatedAt = monitor.UpdatedAt,
            NextRunAt = monitor.Paused ? null : monitor.NextDueAt,
            LastSlotAt = monitor.LastSlotAt,
            LastProbeId = monitor.LastProbeId,
            SkippedSlots = monitor.SkippedSlots,
            LastSkippedAt = monitor.LastSkippedAt,
            ProbesUrl = $"/api/v1/probes?monitor={monitor.Id}",
            VantagePoints = states ?? [],
        };
    }

    public static AlertView From(AlertRecord alert) => new(
        alert.Payload,
        [.. alert.Deliveries.Select(d => new WebhookDeliveryView(d.Id, d.Url, d.Status, d.Rounds, d.Status == WebhookDeliveryStatus.Pending ? d.NextAttemptAt : null, d.DeliveredAt, d.Attempts))]);
}
