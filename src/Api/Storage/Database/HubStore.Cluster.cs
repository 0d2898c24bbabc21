using SmtpProbeHub.Api.Cluster;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Storage.Database;

/// <summary>
/// What hub replicas sharing one PostgreSQL tell each other through it (schema 8 / PostgreSQL 2): their own leases, the
/// leases of the agents whose streams they hold, runs relayed to the replica that holds the run's agent, the events of
/// probes in flight (for readers on other replicas) and cancels asked on another replica. Every change that another
/// replica waits for also sends a NOTIFY in the same transaction (delivered at commit); readers poll as well, so a lost
/// notification only delays.
/// </summary>
internal sealed partial class HubStore : IClusterStore
{
    private static readonly RawSql SkipLocked = SqlText.Raw(" FOR UPDATE SKIP LOCKED");

    public Task<bool> ClaimReplicaAsync(string replica, string instanceKey, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        _writer.Enqueue(async db => await db.ExecuteAsync($"""
            INSERT INTO replicas (Id, InstanceKey, StartedAtMs, LeaseUntilMs) VALUES ({replica}, {instanceKey}, {now.ToUnixTimeMilliseconds()}, {leaseUntil.ToUnixTimeMilliseconds()})
            ON CONFLICT (Id) DO UPDATE SET InstanceKey = excluded.InstanceKey, StartedAtMs = excluded.StartedAtMs, LeaseUntilMs = excluded.LeaseUntilMs
            WHERE replicas.LeaseUntilMs < {now.ToUnixTimeMilliseconds()} OR replicas.InstanceKey = excluded.InstanceKey
            """, cancellationToken) == 1, cancellationToken);

    public Task<bool> RenewReplicaAsync(string replica, string instanceKey, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        _writer.Enqueue(async db => await db.ExecuteAsync($"""
            UPDATE replicas SET LeaseUntilMs = {leaseUntil.ToUnixTimeMilliseconds()} WHERE Id = {replica} AND InstanceKey = {instanceKey}
            """, cancellationToken) == 1, cancellationToken);

    public Task ReleaseReplicaAsync(string replica, string instanceKey, CancellationToken cancellationToken) =>
        WriteAsync(db => db.ExecuteAsync($"DELETE FROM replicas WHERE Id = {replica} AND InstanceKey = {instanceKey}", cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<string>> ExpiredReplicasAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await Reader(connection).QueryAsync<string>($"SELECT Id FROM replicas WHERE LeaseUntilMs < {now.ToUnixTimeMilliseconds()}", cancellationToken);
    }

    public Task<int> SweepReplicaAsync(string replica, Diagnosis diagnosis, DateTimeOffset now, CancellationToken cancellationToken) =>
        _writer.Enqueue(async db =>
        {
            // Only while its lease is still expired: a replica that came back meanwhile keeps its probes.
            var nowMs = now.ToUnixTimeMilliseconds();
            if (await db.ExecuteAsync($"DELETE FROM replicas WHERE Id = {replica} AND LeaseUntilMs < {nowMs}", cancellationToken) != 1)
            {
                return 0;
            }

            var ended = await EndUnfinishedAsync(db, replica, diagnosis, now, cancellationToken);
            // Runs it handed over (their owner is gone) and runs it held (their owner sees the agent's lease go).
            await db.ExecuteAsync($"DELETE FROM run_relay_progress WHERE RunId IN (SELECT RunId FROM run_relay WHERE FromReplica = {replica} OR ClaimedBy = {replica})", cancellationToken);
            await db.ExecuteAsync($"DELETE FROM run_relay WHERE FromReplica = {replica} OR ClaimedBy = {replica}", cancellationToken);
            await db.ExecuteAsync($"DELETE FROM agent_presence WHERE Replica = {replica}", cancellationToken);
            await NotifyAsync(db, ClusterChannels.Presence, replica, cancellationToken);
            return ended;
        }, cancellationToken);

    public Task PublishPresenceAsync(string replica, IReadOnlyList<AgentPresence> online, IReadOnlyList<string> gone, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        WriteAsync(async db =>
        {
            var nowMs = now.ToUnixTimeMilliseconds();
            foreach (var agent in online)
            {
                // A newer connection wins: a replica that still believes in a half-open stream cannot take back an agent
                // that reconnected elsewhere.
                await db.ExecuteAsync($"""
                    INSERT INTO agent_presence (AgentId, Replica, Name, LabelsJson, Capacity, InFlight, Version, RemoteAddress, Credential, ConnectedAtMs, LastSeenMs, LeaseUntilMs)
                    VALUES ({agent.AgentId}, {replica}, {agent.Name}, {agent.LabelsJson}, {agent.Capacity}, {agent.InFlight}, {agent.Version}, {agent.RemoteAddress},
                        {agent.Credential}, {agent.ConnectedAtMs}, {agent.LastSeenMs}, {leaseUntil.ToUnixTimeMilliseconds()})
                    ON CONFLICT (AgentId) DO UPDATE SET Replica = excluded.Replica, Name = excluded.Name, LabelsJson = excluded.LabelsJson,
                        Capacity = excluded.Capacity, InFlight = excluded.InFlight, Version = excluded.Version, RemoteAddress = excluded.RemoteAddress,
                        Credential = excluded.Credential, ConnectedAtMs = excluded.ConnectedAtMs, LastSeenMs = excluded.LastSeenMs, LeaseUntilMs = excluded.LeaseUntilMs
                    WHERE agent_presence.Replica = excluded.Replica OR agent_presence.LeaseUntilMs < {nowMs} OR agent_presence.ConnectedAtMs <= excluded.ConnectedAtMs
                    """, cancellationToken);
            }

            foreach (var agentId in gone)
            {
                await db.ExecuteAsync($"DELETE FROM agent_presence WHERE AgentId = {agentId} AND Replica = {replica}", cancellationToken);
            }

            // Every lease this replica still holds, renewed at once (one statement however many agents).
            await db.ExecuteAsync($"""
                UPDATE agent_presence SET LeaseUntilMs = {leaseUntil.ToUnixTimeMilliseconds()}, LastSeenMs = {nowMs} WHERE Replica = {replica}
                """, cancellationToken);

            if (gone.Count > 0 || online.Any(a => a.IsNew))
            {
                await NotifyAsync(db, ClusterChannels.Presence, replica, cancellationToken);
            }
        }, cancellationToken);

    public async Task<IReadOnlyList<string>> RevokedAmongAsync(IReadOnlyCollection<string> agentIds, CancellationToken cancellationToken)
    {
        if (agentIds.Count == 0)
        {
            return [];
        }

        // One query for the (few) revoked ids, matched here: not one lookup per agent held at every renewal.
        await using var connection = await database.OpenAsync(cancellationToken);
        var revoked = await Reader(connection).QueryAsync<string>($"SELECT AgentId FROM agent_identities WHERE RevokedAtMs IS NOT NULL", cancellationToken);
        return [.. revoked.Where(agentIds.Contains)];
    }

    public async Task<IReadOnlyList<AgentPresence>> PresencesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await Reader(connection).QueryAsync<AgentPresence>($"""
            SELECT AgentId, Replica, Name, LabelsJson, Capacity, InFlight, Version, RemoteAddress, Credential, ConnectedAtMs, LastSeenMs
            FROM agent_presence WHERE LeaseUntilMs >= {now.ToUnixTimeMilliseconds()}
            """, cancellationToken);
    }

    public Task RelayAsync(RelayedRun run, CancellationToken cancellationToken) =>
        WriteAsync(async db =>
        {
            await db.ExecuteAsync($"""
                INSERT INTO run_relay (RunId, ProbeId, AgentId, FromReplica, Sealed, CreatedAtMs)
                VALUES ({HotPathSql.Key(run.RunId)}, {HotPathSql.Key(run.ProbeId)}, {run.AgentId}, {run.FromReplica}, {run.Sealed}, {run.CreatedAt.ToUnixTimeMilliseconds()})
                """, cancellationToken);
            await NotifyAsync(db, ClusterChannels.Relay, run.AgentId, cancellationToken);
        }, cancellationToken);

    public Task<RelayedRun?> ClaimRelayedAsync(string agentId, string replica, DateTimeOffset now, CancellationToken cancellationToken) =>
        _writer.Enqueue(async db =>
        {
            // SKIP LOCKED: replicas claiming for the same agent at once (it moved) never wait on each other or take one run twice.
            var row = await db.FirstOrDefaultAsync<RelayRow>($"""
                UPDATE run_relay SET ClaimedBy = {replica}, ClaimedAtMs = {now.ToUnixTimeMilliseconds()}
                WHERE RunId = (SELECT RunId FROM run_relay WHERE AgentId = {agentId} AND ClaimedBy IS NULL AND Outcome IS NULL
                               ORDER BY CreatedAtMs LIMIT 1{(db.Provider == StorageProvider.Postgres ? SkipLocked : SqlText.Raw(""))})
                RETURNING RunId, ProbeId, AgentId, FromReplica, Sealed, CreatedAtMs
                """, cancellationToken);
            return row is null ? null : new RelayedRun(Guid.Parse(row.RunId), Guid.Parse(row.ProbeId), row.AgentId, row.FromReplica, row.Sealed,
                DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAtMs));
        }, cancellationToken);

    public Task AddRelayProgressAsync(Guid runId, string kind, string json, CancellationToken cancellationToken) =>
        WriteAsync(async db =>
        {
            var key = HotPathSql.Key(runId);
            await db.ExecuteAsync($"INSERT INTO run_relay_progress (RunId, Kind, Json) VALUES ({key}, {kind}, {json})", cancellationToken);
            await NotifyAsync(db, ClusterChannels.Run, key, cancellationToken);
        }, cancellationToken);

    public async Task<IReadOnlyList<RelayProgress>> RelayProgressAsync(Guid runId, long afterId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await Reader(connection).QueryAsync<RelayProgress>($"""
            SELECT Id, Kind, Json FROM run_relay_progress WHERE RunId = {HotPathSql.Key(runId)} AND Id > {afterId} ORDER BY Id
            """, cancellationToken);
    }

    public Task EndRelayedAsync(Guid runId, string outcome, string? resultJson, string? detail, CancellationToken cancellationToken) =>
        WriteAsync(async db =>
        {
            var key = HotPathSql.Key(runId);
            await db.ExecuteAsync($"UPDATE run_relay SET Outcome = {outcome}, ResultJson = {resultJson}, Detail = {detail} WHERE RunId = {key}", cancellationToken);
            await NotifyAsync(db, ClusterChannels.Run, key, cancellationToken);
        }, cancellationToken);

    public async Task<RelayState?> RelayStateAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await Reader(connection).FirstOrDefaultAsync<RelayState>($"""
            SELECT ClaimedBy, CancelRequested, Outcome, ResultJson, Detail, StoredAtMs FROM run_relay WHERE RunId = {HotPathSql.Key(runId)}
            """, cancellationToken);
    }

    public Task CancelRelayedAsync(Guid runId, CancellationToken cancellationToken) =>
        WriteAsync(async db =>
        {
            var key = HotPathSql.Key(runId);
            await db.ExecuteAsync($"UPDATE run_relay SET CancelRequested = {true} WHERE RunId = {key}", cancellationToken);
            await NotifyAsync(db, ClusterChannels.Run, key, cancellationToken);
        }, cancellationToken);

    public Task RelayedResultStoredAsync(Guid runId, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(async db =>
        {
            var key = HotPathSql.Key(runId);
            await db.ExecuteAsync($"UPDATE run_relay SET StoredAtMs = {at.ToUnixTimeMilliseconds()} WHERE RunId = {key}", cancellationToken);
            await NotifyAsync(db, ClusterChannels.Run, key, cancellationToken);
        }, cancellationToken);

    public Task DeleteRelayedAsync(Guid runId, CancellationToken cancellationToken) =>
        WriteAsync(async db =>
        {
            var key = HotPathSql.Key(runId);
            await db.ExecuteAsync($"DELETE FROM run_relay_progress WHERE RunId = {key}", cancellationToken);
            await db.ExecuteAsync($"DELETE FROM run_relay WHERE RunId = {key}", cancellationToken);
        }, cancellationToken);

    public Task AppendEventsAsync(IReadOnlyList<MirroredEvent> events, CancellationToken cancellationToken) =>
        WriteAsync(async db =>
        {
            // Many rows per statement: a probe writes dozens of events (a transcript line each), one INSERT apiece was most of
            // the cost of running on PostgreSQL (bench/, replicas). 200 rows = 800 parameters, far below either provider's cap.
            foreach (var chunk in events.Chunk(200))
            {
                var sql = new System.Text.StringBuilder("INSERT INTO probe_events (ProbeId, Seq, Type, DataJson) VALUES ");
                var parameters = new Dapper.DynamicParameters();
                for (var i = 0; i < chunk.Length; i++)
                {
                    sql.Append(i == 0 ? "" : ", ").Append(System.Globalization.CultureInfo.InvariantCulture, $"(@p{i}, @s{i}, @t{i}, @d{i})");
                    parameters.Add($"p{i}", HotPathSql.Key(chunk[i].ProbeId));
                    parameters.Add($"s{i}", chunk[i].Sequence);
                    parameters.Add($"t{i}", chunk[i].Type);
                    parameters.Add($"d{i}", chunk[i].DataJson);
                }

                await db.ExecuteAsync(sql.ToString(), parameters, cancellationToken);
            }

            foreach (var probeId in events.Select(e => e.ProbeId).Distinct())
            {
                await NotifyAsync(db, ClusterChannels.Events, HotPathSql.Key(probeId), cancellationToken);
            }
        }, cancellationToken);

    public async Task<IReadOnlyList<StoredProbeEvent>> EventsAsync(Guid probeId, long afterSequence, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await Reader(connection).QueryAsync<StoredProbeEvent>($"""
            SELECT Seq, Type, DataJson FROM probe_events WHERE ProbeId = {HotPathSql.Key(probeId)} AND Seq > {afterSequence} ORDER BY Seq
            """, cancellationToken);
    }

    public async Task<bool> RunStillOpenForAsync(Guid runId, string agentId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await Reader(connection).LongAsync($"""
            SELECT COUNT(*) FROM runs WHERE Id = {HotPathSql.Key(runId)} AND AgentId = {agentId}
              AND (Status IN ({Queued}, {RunningRun}) OR (Status = {nameof(RunStatus.AgentLost)} AND EndedAtMs >= {now.AddMinutes(-2).ToUnixTimeMilliseconds()}))
            """, cancellationToken) > 0;
    }

    public async Task<bool> HasEventsAsync(Guid probeId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await Reader(connection).LongAsync($"SELECT COUNT(*) FROM probe_events WHERE ProbeId = {HotPathSql.Key(probeId)} AND Seq = 1", cancellationToken) > 0;
    }

    public Task<bool> RequestCancelAsync(Guid probeId, DateTimeOffset at, CancellationToken cancellationToken) =>
        _writer.Enqueue(async db =>
        {
            var key = HotPathSql.Key(probeId);
            var asked = await db.ExecuteAsync($"""
                UPDATE probes SET CancelRequestedAtMs = {at.ToUnixTimeMilliseconds()} WHERE Id = {key} AND Status = {nameof(ProbeStatus.Running)}
                """, cancellationToken) == 1;
            if (asked)
            {
                await NotifyAsync(db, ClusterChannels.Cancel, key, cancellationToken);
            }

            return asked;
        }, cancellationToken);

    public async Task<IReadOnlyList<Guid>> CancelRequestsAsync(string replica, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var keys = await Reader(connection).QueryAsync<string>($"""
            SELECT Id FROM probes WHERE Replica = {replica} AND Status = {nameof(ProbeStatus.Running)} AND CancelRequestedAtMs IS NOT NULL
            """, cancellationToken);
        return [.. keys.Select(Guid.Parse)];
    }

    /// <summary>Ends a replica's unfinished runs as agentLost and its running probes as completed; how many runs.</summary>
    private static async Task<int> EndUnfinishedAsync(DbSession db, string? replica, Diagnosis diagnosis, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var runs = replica is null
            ? await db.QueryAsync<RunRow>($"SELECT {RunList} FROM runs WHERE Status IN ({Queued}, {RunningRun})", cancellationToken)
            : await db.QueryAsync<RunRow>($"""
                SELECT {RunList} FROM runs WHERE Status IN ({Queued}, {RunningRun}) AND ProbeId IN (SELECT Id FROM probes WHERE Replica = {replica} OR Replica IS NULL)
                """, cancellationToken);
        var atMs = at.ToUnixTimeMilliseconds();
        foreach (var row in runs)
        {
            RowMapping.ApplyEnd(row, RowMapping.ToRecord(row) with { Status = RunStatus.AgentLost, EndedAt = at, Diagnosis = diagnosis });
            await db.ExecuteAsync($"""
                UPDATE runs SET Status = {row.Status}, EndedAtMs = {row.EndedAtMs}, ResultJson = {row.ResultJson}, DiagnosisJson = {row.DiagnosisJson},
                    StepsJson = {row.StepsJson}, TranscriptJson = {row.TranscriptJson}
                WHERE Id = {row.Id} AND Status IN ({Queued}, {RunningRun})
                """, cancellationToken);
        }

        var running = nameof(ProbeStatus.Running);
        var completed = nameof(ProbeStatus.Completed);
        _ = replica is null
            ? await db.ExecuteAsync($"UPDATE probes SET Status = {completed}, EndedAtMs = {atMs} WHERE Status = {running}", cancellationToken)
            : await db.ExecuteAsync($"UPDATE probes SET Status = {completed}, EndedAtMs = {atMs} WHERE Status = {running} AND (Replica = {replica} OR Replica IS NULL)", cancellationToken);
        return runs.Count;
    }

    private static Task NotifyAsync(DbSession db, string channel, string payload, CancellationToken cancellationToken) =>
        db.Provider == StorageProvider.Postgres
            ? db.ExecuteAsync($"SELECT pg_notify({channel}, {payload})", cancellationToken)
            : Task.CompletedTask;

    private sealed class RelayRow
    {
        public string RunId { get; set; } = "";

        public string ProbeId { get; set; } = "";

        public string AgentId { get; set; } = "";

        public string FromReplica { get; set; } = "";

        public string Sealed { get; set; } = "";

        public long CreatedAtMs { get; set; }
    }
}
