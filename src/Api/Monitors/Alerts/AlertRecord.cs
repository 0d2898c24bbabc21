namespace SmtpProbeHub.Api.Monitors.Alerts;

/// <summary>An alert as stored: its payload is exactly the JSON the webhooks get.</summary>
internal sealed record AlertRecord(Guid Id, Guid MonitorId, DateTimeOffset At, AlertKind Kind, AlertPayload Payload)
{
    public IReadOnlyList<DeliveryRecord> Deliveries { get; init; } = [];
}

/// <summary>One alert to one webhook, in the outbox until delivered or given up.</summary>
internal sealed record DeliveryRecord
{
    public required Guid Id { get; init; }

    public required Guid AlertId { get; init; }

    public required Guid MonitorId { get; init; }

    /// <summary>Index of the webhook in the monitor's definition.</summary>
    public required int TargetIndex { get; init; }

    public required string Url { get; init; }

    public required WebhookDeliveryStatus Status { get; init; }

    public required DateTimeOffset NextAttemptAt { get; init; }

    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>Rounds taken so far (each round is a few HTTP attempts with backoff).</summary>
    public int Rounds { get; init; }

    public IReadOnlyList<WebhookAttempt> Attempts { get; init; } = [];
}

/// <summary>Where a delivery stands.</summary>
public enum WebhookDeliveryStatus
{
    /// <summary>Waiting for its (next) round.</summary>
    Pending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Given up: out of rounds, refused by the target policy, the receiver answered 4xx or a redirect, or the webhook is gone.</summary>
    Failed,
}

/// <summary>One HTTP attempt of a delivery.</summary>
/// <param name="At">When it started.</param>
/// <param name="StatusCode">The receiver's HTTP status, or null when there was no answer.</param>
/// <param name="Error">What went wrong (timeout, connection refused, refused by the target policy), or null.</param>
/// <param name="ElapsedMs">How long it took.</param>
public sealed record WebhookAttempt(DateTimeOffset At, int? StatusCode, string? Error, double ElapsedMs);
