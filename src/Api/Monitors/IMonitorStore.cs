using SmtpProbeHub.Api.Monitors.Alerts;

namespace SmtpProbeHub.Api.Monitors;

/// <summary>
/// Where monitors, their per-vantage state, alerts and the webhook outbox live. Everything that must happen once
/// across hubs sharing storage is a conditional write here (a slot claim, a delivery lease), never a lock in memory.
/// </summary>
internal interface IMonitorStore
{
    /// <summary>False when another monitor has the name.</summary>
    Task<bool> CreateMonitorAsync(MonitorRecord monitor, CancellationToken cancellationToken);

    /// <summary>Replaces the definition (and pause state and next due time).</summary>
    Task<MonitorWrite> UpdateMonitorAsync(Guid id, MonitorDefinition definition, bool paused, DateTimeOffset nextDueAt, DateTimeOffset at, CancellationToken cancellationToken);

    Task<bool> SetPausedAsync(Guid id, bool paused, DateTimeOffset nextDueAt, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Deletes the monitor with its states, alerts and pending deliveries; its probes stay (history).</summary>
    Task<bool> DeleteMonitorAsync(Guid id, CancellationToken cancellationToken);

    Task<MonitorRecord?> GetMonitorAsync(Guid id, CancellationToken cancellationToken);

    Task<(IReadOnlyList<MonitorRecord> Items, int Total)> ListMonitorsAsync(int page, int pageSize, CancellationToken cancellationToken);

    /// <summary>Unpaused monitors whose next due time is at or before <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<DueMonitor>> DueMonitorsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the slot <paramref name="slot"/> of a monitor, moving its next due time to <paramref name="next"/>, with one
    /// conditional UPDATE (only while the stored next due time is still that slot and the monitor is not paused): of all
    /// hubs that try, exactly one gets <see cref="SlotClaim.Fire"/> or <see cref="SlotClaim.Skip"/>. Skip when the
    /// monitor's previous probe is still running (recorded on the monitor).
    /// </summary>
    Task<SlotClaim> ClaimSlotAsync(Guid id, DateTimeOffset slot, DateTimeOffset next, CancellationToken cancellationToken);

    Task SetLastProbeAsync(Guid id, Guid probeId, CancellationToken cancellationToken);

    Task<IReadOnlyList<VantageState>> VantageStatesAsync(Guid? monitorId, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the monitor's vantage states, lets <paramref name="evaluate"/> decide the new states and alerts, and writes
    /// them with one outbox delivery per alert and webhook, all in one write (nothing can interleave).
    /// Null when the monitor no longer exists.
    /// </summary>
    Task<Evaluation?> EvaluateAsync(Guid monitorId, Func<MonitorRecord, IReadOnlyList<VantageState>, Evaluation> evaluate, CancellationToken cancellationToken);

    Task<IReadOnlyList<AlertRecord>> AlertsAsync(Guid monitorId, int limit, CancellationToken cancellationToken);

    /// <summary>Leases up to <paramref name="limit"/> due deliveries until <paramref name="leaseUntil"/> (a conditional write: one hub sends each).</summary>
    Task<IReadOnlyList<DeliveryWork>> LeaseDueDeliveriesAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken);

    Task RecordDeliveryAsync(DeliveryRecord delivery, CancellationToken cancellationToken);
}

/// <summary>A monitor and its schedule's bookkeeping.</summary>
internal sealed record MonitorRecord
{
    public required Guid Id { get; init; }

    public required MonitorDefinition Definition { get; init; }

    public bool Paused { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public required DateTimeOffset NextDueAt { get; init; }

    public DateTimeOffset? LastSlotAt { get; init; }

    public Guid? LastProbeId { get; init; }

    public long SkippedSlots { get; init; }

    public DateTimeOffset? LastSkippedAt { get; init; }
}

internal enum MonitorWrite
{
    Done,
    NotFound,
    NameTaken,
}

internal enum SlotClaim
{
    /// <summary>Another hub (or an earlier tick) took the slot, or the monitor was paused or changed meanwhile.</summary>
    Lost,

    /// <summary>Ours: run it.</summary>
    Fire,

    /// <summary>Ours, but the previous probe is still running: skipped and recorded.</summary>
    Skip,
}

/// <summary>A monitor whose slot is due.</summary>
internal sealed record DueMonitor(Guid Id, DateTimeOffset Slot, MonitorDefinition Definition);

/// <summary>What one evaluation decided: every vantage state after it, and the alerts it raised.</summary>
internal sealed record Evaluation(IReadOnlyList<VantageState> States, IReadOnlyList<AlertRecord> Alerts);

/// <summary>A leased delivery with what it needs to send: the alert's payload and the webhook (secret included).</summary>
internal sealed record DeliveryWork(DeliveryRecord Delivery, string PayloadJson, WebhookTarget? Target);
