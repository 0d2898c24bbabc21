using System.Text.Json;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Monitors;
using SmtpProbeHub.Api.Monitors.Alerts;
using SmtpProbeHub.Probe.Serialization;

namespace SmtpProbeHub.Api.Storage.Database;

/// <summary>
/// Monitors, in plain SQL through the same write queue as probes (one writer, writes in order). The schedule's
/// promise, one fire per slot across hubs sharing storage, rests on <see cref="ClaimSlotAsync"/>'s conditional UPDATE,
/// not on anything held in memory.
/// </summary>
internal sealed partial class HubStore : IMonitorStore
{
    private static readonly RawSql MonitorList = SqlText.Raw("Id, Name, DefinitionJson, Paused, CreatedAtMs, UpdatedAtMs, NextDueMs, LastSlotMs, LastProbeId, SkippedSlots, LastSkippedAtMs");
    private static readonly string RunningProbe = nameof(ProbeStatus.Running);
    private static readonly string Pending = nameof(WebhookDeliveryStatus.Pending);

    public Task<bool> CreateMonitorAsync(MonitorRecord monitor, CancellationToken cancellationToken) =>
        _writer.Enqueue(async db =>
        {
            // Checked first: the UNIQUE constraint stays the guard against a race (another hub creating the same name).
            if (await NameTakenAsync(db, monitor.Definition.Name, monitor.Id, cancellationToken))
            {
                return false;
            }

            try
            {
                await db.ExecuteAsync($"""
                    INSERT INTO monitors (Id, Name, DefinitionJson, Paused, CreatedAtMs, UpdatedAtMs, NextDueMs)
                    VALUES ({HotPathSql.Key(monitor.Id)}, {monitor.Definition.Name}, {ToJson(monitor.Definition)}, {monitor.Paused},
                        {monitor.CreatedAt.ToUnixTimeMilliseconds()}, {monitor.UpdatedAt.ToUnixTimeMilliseconds()}, {monitor.NextDueAt.ToUnixTimeMilliseconds()})
                    """, cancellationToken);
                return true;
            }
            catch (Exception ex) when (StorageDatabase.IsUniqueViolation(ex))
            {
                return false;
            }
        }, cancellationToken);

    public Task<MonitorWrite> UpdateMonitorAsync(Guid id, MonitorDefinition definition, bool paused, DateTimeOffset nextDueAt, DateTimeOffset at, CancellationToken cancellationToken) =>
        _writer.Enqueue(async db =>
        {
            if (await NameTakenAsync(db, definition.Name, id, cancellationToken))
            {
                return MonitorWrite.NameTaken;
            }

            try
            {
                var changed = await db.ExecuteAsync($"""
                    UPDATE monitors SET Name = {definition.Name}, DefinitionJson = {ToJson(definition)}, Paused = {paused},
                        UpdatedAtMs = {at.ToUnixTimeMilliseconds()}, NextDueMs = {nextDueAt.ToUnixTimeMilliseconds()}
                    WHERE Id = {HotPathSql.Key(id)}
                    """, cancellationToken);
                return changed == 1 ? MonitorWrite.Done : MonitorWrite.NotFound;
            }
            catch (Exception ex) when (StorageDatabase.IsUniqueViolation(ex))
            {
                return MonitorWrite.NameTaken;
            }
        }, cancellationToken);

    public async Task<bool> SetPausedAsync(Guid id, bool paused, DateTimeOffset nextDueAt, DateTimeOffset at, CancellationToken cancellationToken) =>
        await _writer.Enqueue(db => db.ExecuteAsync($"""
            UPDATE monitors SET Paused = {paused}, NextDueMs = {nextDueAt.ToUnixTimeMilliseconds()}, UpdatedAtMs = {at.ToUnixTimeMilliseconds()}
            WHERE Id = {HotPathSql.Key(id)}
            """, cancellationToken), cancellationToken) == 1;

    public Task<bool> DeleteMonitorAsync(Guid id, CancellationToken cancellationToken) =>
        _writer.Enqueue(async db =>
        {
            var key = HotPathSql.Key(id);
            await db.ExecuteAsync($"DELETE FROM monitor_deliveries WHERE MonitorId = {key}", cancellationToken);
            await db.ExecuteAsync($"DELETE FROM monitor_alerts WHERE MonitorId = {key}", cancellationToken);
            await db.ExecuteAsync($"DELETE FROM monitor_vantage WHERE MonitorId = {key}", cancellationToken);
            return await db.ExecuteAsync($"DELETE FROM monitors WHERE Id = {key}", cancellationToken) == 1;
        }, cancellationToken);

    public async Task<MonitorRecord?> GetMonitorAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var db = Reader(connection);
        return (await ReadMonitorAsync(db, id, cancellationToken)) is { } row ? ToRecord(row) : null;
    }

    public async Task<(IReadOnlyList<MonitorRecord> Items, int Total)> ListMonitorsAsync(int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var db = Reader(connection);
        var total = await db.LongAsync($"SELECT COUNT(*) AS Value FROM monitors", cancellationToken);
        var rows = await db.QueryAsync<MonitorRow>(
            $"SELECT {MonitorList} FROM monitors ORDER BY Name, Id LIMIT {pageSize} OFFSET {checked((page - 1) * pageSize)}", cancellationToken);
        return ([.. rows.Select(ToRecord)], (int)total);
    }

    public async Task<IReadOnlyList<DueMonitor>> DueMonitorsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var db = Reader(connection);
        var rows = await db.QueryAsync<DueRow>($"""
            SELECT Id, NextDueMs, DefinitionJson FROM monitors WHERE Paused = {false} AND NextDueMs <= {now.ToUnixTimeMilliseconds()}
            ORDER BY NextDueMs LIMIT {limit}
            """, cancellationToken);
        return [.. rows.Select(r => new DueMonitor(Guid.Parse(r.Id), DateTimeOffset.FromUnixTimeMilliseconds(r.NextDueMs), FromJson<MonitorDefinition>(r.DefinitionJson)))];
    }

    public Task<SlotClaim> ClaimSlotAsync(Guid id, DateTimeOffset slot, DateTimeOffset next, CancellationToken cancellationToken) =>
        _writer.Enqueue(async db =>
        {
            var key = HotPathSql.Key(id);
            var slotMs = slot.ToUnixTimeMilliseconds();
            var claimed = await db.ExecuteAsync($"""
                UPDATE monitors SET NextDueMs = {next.ToUnixTimeMilliseconds()}, LastSlotMs = {slotMs}
                WHERE Id = {key} AND NextDueMs = {slotMs} AND Paused = {false}
                """, cancellationToken);
            if (claimed != 1)
            {
                return SlotClaim.Lost;
            }

            // Read in the same write as the claim: the previous probe's row is committed before the next slot is claimed.
            // By the monitor's last probe (a key lookup), not by all its probes: the claim stays cheap however long the history.
            var running = await db.LongAsync($"""
                SELECT COUNT(*) FROM probes WHERE Id = (SELECT LastProbeId FROM monitors WHERE Id = {key}) AND Status = {RunningProbe}
                """, cancellationToken);
            if (running == 0)
            {
                return SlotClaim.Fire;
            }

            await db.ExecuteAsync($"""
                UPDATE monitors SET SkippedSlots = SkippedSlots + 1, LastSkippedAtMs = {slotMs} WHERE Id = {key}
                """, cancellationToken);
            return SlotClaim.Skip;
        }, cancellationToken);

    public Task SetLastProbeAsync(Guid id, Guid probeId, CancellationToken cancellationToken) =>
        WriteAsync(db => db.ExecuteAsync($"""
            UPDATE monitors SET LastProbeId = {HotPathSql.Key(probeId)} WHERE Id = {HotPathSql.Key(id)}
            """, cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<VantageState>> VantageStatesAsync(Guid? monitorId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var db = Reader(connection);
        return await ReadStatesAsync(db, monitorId, cancellationToken);
    }

    public Task<Evaluation?> EvaluateAsync(Guid monitorId, Func<MonitorRecord, IReadOnlyList<VantageState>, Evaluation> evaluate, CancellationToken cancellationToken) =>
        _writer.Enqueue(async db =>
        {
            if (await ReadMonitorAsync(db, monitorId, cancellationToken) is not { } row)
            {
                return null;
            }

            var monitor = ToRecord(row);
            var evaluation = evaluate(monitor, await ReadStatesAsync(db, monitorId, cancellationToken));
            var key = HotPathSql.Key(monitorId);
            foreach (var state in evaluation.States)
            {
                await db.ExecuteAsync($"""
                    INSERT INTO monitor_vantage (MonitorId, AgentId, StateJson, UpdatedAtMs) VALUES ({key}, {state.AgentId}, {ToJson(state)}, {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()})
                    ON CONFLICT (MonitorId, AgentId) DO UPDATE SET StateJson = excluded.StateJson, UpdatedAtMs = excluded.UpdatedAtMs
                    """, cancellationToken);
            }

            foreach (var alert in evaluation.Alerts)
            {
                await db.ExecuteAsync($"""
                    INSERT INTO monitor_alerts (Id, MonitorId, AtMs, Kind, PayloadJson)
                    VALUES ({HotPathSql.Key(alert.Id)}, {key}, {alert.At.ToUnixTimeMilliseconds()}, {alert.Kind.ToString()}, {ToJson(alert.Payload)})
                    """, cancellationToken);
                for (var i = 0; i < monitor.Definition.Webhooks.Count; i++)
                {
                    await db.ExecuteAsync($"""
                        INSERT INTO monitor_deliveries (Id, AlertId, MonitorId, TargetIndex, Url, Status, NextAttemptMs)
                        VALUES ({HotPathSql.Key(Guid.CreateVersion7())}, {HotPathSql.Key(alert.Id)}, {key}, {i}, {monitor.Definition.Webhooks[i].Url}, {Pending}, {alert.At.ToUnixTimeMilliseconds()})
                        """, cancellationToken);
                }
            }

            return evaluation;
        }, cancellationToken);

    public async Task<IReadOnlyList<AlertRecord>> AlertsAsync(Guid monitorId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var db = Reader(connection);
        var key = HotPathSql.Key(monitorId);
        var alerts = await db.QueryAsync<AlertRow>($"""
            SELECT Id, AtMs, Kind, PayloadJson FROM monitor_alerts WHERE MonitorId = {key} ORDER BY AtMs DESC, Id DESC LIMIT {limit}
            """, cancellationToken);
        var deliveries = (await db.QueryAsync<DeliveryRow>($"""
            SELECT Id, AlertId, MonitorId, TargetIndex, Url, Status, Rounds, NextAttemptMs, AttemptsJson, DeliveredAtMs FROM monitor_deliveries WHERE MonitorId = {key}
            """, cancellationToken)).Select(ToRecord).ToLookup(d => d.AlertId);
        return [.. alerts.Select(a => new AlertRecord(Guid.Parse(a.Id), monitorId, DateTimeOffset.FromUnixTimeMilliseconds(a.AtMs), Enum.Parse<AlertKind>(a.Kind), FromJson<AlertPayload>(a.PayloadJson))
        {
            Deliveries = [.. deliveries[Guid.Parse(a.Id)].OrderBy(d => d.TargetIndex)],
        })];
    }

    public async Task<IReadOnlyList<DeliveryWork>> LeaseDueDeliveriesAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken)
    {
        // A read first: the outbox is polled several times a second and is nearly always empty, and a write would commit each time.
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            var anyDue = await Reader(connection).LongAsync($"""
                SELECT COUNT(*) FROM monitor_deliveries WHERE Status = {Pending} AND NextAttemptMs <= {now.ToUnixTimeMilliseconds()}
                """, cancellationToken);
            if (anyDue == 0)
            {
                return [];
            }
        }

        return await _writer.Enqueue<IReadOnlyList<DeliveryWork>>(async db =>
        {
            var nowMs = now.ToUnixTimeMilliseconds();
            var due = await db.QueryAsync<DeliveryRow>($"""
                SELECT Id, AlertId, MonitorId, TargetIndex, Url, Status, Rounds, NextAttemptMs, AttemptsJson, DeliveredAtMs FROM monitor_deliveries
                WHERE Status = {Pending} AND NextAttemptMs <= {nowMs} AND (LeaseUntilMs IS NULL OR LeaseUntilMs <= {nowMs})
                ORDER BY NextAttemptMs LIMIT {limit}
                """, cancellationToken);
            var work = new List<DeliveryWork>(due.Count);
            foreach (var row in due)
            {
                // Conditional on the lease seen: another hub that leased it meanwhile keeps it.
                var leased = await db.ExecuteAsync($"""
                    UPDATE monitor_deliveries SET LeaseUntilMs = {leaseUntil.ToUnixTimeMilliseconds()}
                    WHERE Id = {row.Id} AND Status = {Pending} AND (LeaseUntilMs IS NULL OR LeaseUntilMs <= {nowMs})
                    """, cancellationToken);
                if (leased != 1)
                {
                    continue;
                }

                var payload = await db.QueryAsync<string>($"SELECT PayloadJson AS Value FROM monitor_alerts WHERE Id = {row.AlertId}", cancellationToken);
                var monitor = await ReadMonitorAsync(db, Guid.Parse(row.MonitorId), cancellationToken);
                var webhooks = monitor is null ? [] : FromJson<MonitorDefinition>(monitor.DefinitionJson).Webhooks;
                // The webhook as configured now, if it is still the same URL: an edited or deleted target gets nothing more.
                var target = row.TargetIndex < webhooks.Count && webhooks[(int)row.TargetIndex].Url == row.Url ? webhooks[(int)row.TargetIndex] : null;
                work.Add(new DeliveryWork(ToRecord(row), payload.FirstOrDefault() ?? "{}", target));
            }

            return work;
        }, cancellationToken);
    }

    public Task RecordDeliveryAsync(DeliveryRecord delivery, CancellationToken cancellationToken) =>
        WriteAsync(db => db.ExecuteAsync($"""
            UPDATE monitor_deliveries SET Status = {delivery.Status.ToString()}, Rounds = {delivery.Rounds}, NextAttemptMs = {delivery.NextAttemptAt.ToUnixTimeMilliseconds()},
                LeaseUntilMs = NULL, AttemptsJson = {ToJson(delivery.Attempts)}, DeliveredAtMs = {delivery.DeliveredAt?.ToUnixTimeMilliseconds()}
            WHERE Id = {HotPathSql.Key(delivery.Id)}
            """, cancellationToken), cancellationToken);

    private static async Task<bool> NameTakenAsync(DbSession db, string name, Guid id, CancellationToken cancellationToken) =>
        await db.LongAsync($"SELECT COUNT(*) AS Value FROM monitors WHERE Name = {name} AND Id <> {HotPathSql.Key(id)}", cancellationToken) > 0;

    private static Task<MonitorRow?> ReadMonitorAsync(DbSession db, Guid id, CancellationToken cancellationToken) =>
        db.FirstOrDefaultAsync<MonitorRow>($"SELECT {MonitorList} FROM monitors WHERE Id = {HotPathSql.Key(id)}", cancellationToken);

    private static async Task<IReadOnlyList<VantageState>> ReadStatesAsync(DbSession db, Guid? monitorId, CancellationToken cancellationToken)
    {
        var json = monitorId is { } id
            ? await db.QueryAsync<string>($"SELECT StateJson AS Value FROM monitor_vantage WHERE MonitorId = {HotPathSql.Key(id)} ORDER BY AgentId", cancellationToken)
            : await db.QueryAsync<string>($"SELECT StateJson AS Value FROM monitor_vantage", cancellationToken);
        return [.. json.Select(FromJson<VantageState>)];
    }

    private static MonitorRecord ToRecord(MonitorRow row) => new()
    {
        Id = Guid.Parse(row.Id),
        Definition = FromJson<MonitorDefinition>(row.DefinitionJson),
        Paused = row.Paused,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAtMs),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(row.UpdatedAtMs),
        NextDueAt = DateTimeOffset.FromUnixTimeMilliseconds(row.NextDueMs),
        LastSlotAt = row.LastSlotMs is { } slot ? DateTimeOffset.FromUnixTimeMilliseconds(slot) : null,
        LastProbeId = row.LastProbeId is { } probe ? Guid.Parse(probe) : null,
        SkippedSlots = row.SkippedSlots,
        LastSkippedAt = row.LastSkippedAtMs is { } skipped ? DateTimeOffset.FromUnixTimeMilliseconds(skipped) : null,
    };

    private static DeliveryRecord ToRecord(DeliveryRow row) => new()
    {
        Id = Guid.Parse(row.Id),
        AlertId = Guid.Parse(row.AlertId),
        MonitorId = Guid.Parse(row.MonitorId),
        TargetIndex = (int)row.TargetIndex,
        Url = row.Url,
        Status = Enum.Parse<WebhookDeliveryStatus>(row.Status),
        Rounds = (int)row.Rounds,
        NextAttemptAt = DateTimeOffset.FromUnixTimeMilliseconds(row.NextAttemptMs),
        DeliveredAt = row.DeliveredAtMs is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null,
        Attempts = FromJson<List<WebhookAttempt>>(row.AttemptsJson),
    };

    private static string ToJson<T>(T value) => JsonSerializer.Serialize(value, ProbeJson.Options);

    private static T FromJson<T>(string json) => JsonSerializer.Deserialize<T>(json, ProbeJson.Options)!;

    // Rows as classes with setters, not positional records: Dapper then converts each column by name (an INTEGER flag on
    // SQLite, a BOOLEAN on PostgreSQL) instead of demanding a constructor whose types match the provider's exactly.
    private sealed class MonitorRow
    {
        public string Id { get; set; } = "";

        public string Name { get; set; } = "";

        public string DefinitionJson { get; set; } = "";

        public bool Paused { get; set; }

        public long CreatedAtMs { get; set; }

        public long UpdatedAtMs { get; set; }

        public long NextDueMs { get; set; }

        public long? LastSlotMs { get; set; }

        public string? LastProbeId { get; set; }

        public long SkippedSlots { get; set; }

        public long? LastSkippedAtMs { get; set; }
    }

    private sealed class DueRow
    {
        public string Id { get; set; } = "";

        public long NextDueMs { get; set; }

        public string DefinitionJson { get; set; } = "";
    }

    private sealed class AlertRow
    {
        public string Id { get; set; } = "";

        public long AtMs { get; set; }

        public string Kind { get; set; } = "";

        public string PayloadJson { get; set; } = "";
    }

    private sealed class DeliveryRow
    {
        public string Id { get; set; } = "";

        public string AlertId { get; set; } = "";

        public string MonitorId { get; set; } = "";

        public long TargetIndex { get; set; }

        public string Url { get; set; } = "";

        public string Status { get; set; } = "";

        public long Rounds { get; set; }

        public long NextAttemptMs { get; set; }

        public string AttemptsJson { get; set; } = "";

        public long? DeliveredAtMs { get; set; }
    }
}
