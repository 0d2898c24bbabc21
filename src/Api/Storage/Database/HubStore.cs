using System.Data.Common;
using System.Text;
using Dapper;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Storage.Sqlite;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Storage.Database;

/// <summary>
/// <see cref="IProbeStore"/> (and the other stores) on SQLite or PostgreSQL, in plain SQL through Dapper: one set of
/// statements for both providers, the schema in versioned scripts per provider (<see cref="SchemaScripts"/>). Every
/// write of this hub goes through one <see cref="WriteQueue"/>: in-process ordering is the seam's promise (writes apply
/// in the order they were made), one transaction for many writes shares the commit's cost, and on SQLite it is the one
/// writer there can be anyway. Reads open their own pooled connections.
/// </summary>
internal sealed partial class HubStore(
    StorageDatabase database, StorageHealth health, DatabaseFileGuard? guard, string replica, ILogger<HubStore> logger) : IProbeStore, IAsyncDisposable
{
    private const string ProbeColumns = "Id, CreatedAtMs, Status, PlanJson, Server, Domain, EndedAtMs, BodyBytes, BodySha256, BodyTruncated, MonitorId";
    private const string RunColumns = "Id, ProbeId, Ordinal, AgentId, AgentName, AgentLabelsJson, Status, Verdict, StartedAtMs, EndedAtMs, ResultJson, DiagnosisJson, StepsJson, TranscriptJson";
    private static readonly RawSql ProbeList = SqlText.Raw(ProbeColumns);
    private static readonly RawSql RunList = SqlText.Raw(RunColumns);
    private static readonly string Queued = nameof(RunStatus.Queued);
    private static readonly string RunningRun = nameof(RunStatus.Running);
    private readonly WriteQueue _writer = new(database, logger, health, guard);

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await SchemaMigrator.MigrateAsync(connection, database.Provider, logger, cancellationToken);
        if (guard is not null)
        {
            await guard.RememberAsync(cancellationToken);
        }
    }

    public Task CreateAsync(ProbeRecord probe, CancellationToken cancellationToken)
    {
        var row = RowMapping.ToRow(probe);
        var runs = probe.Runs.Select(RowMapping.ToRow).ToList();
        row.Replica = replica.Length == 0 ? null : replica;
        return WriteAsync(db => HotPathSql.InsertProbeAsync(db, row, runs, cancellationToken), cancellationToken);
    }

    public async Task<ProbeRecord?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var db = Reader(connection);
        var key = HotPathSql.Key(id);
        var row = await db.FirstOrDefaultAsync<ProbeRow>($"SELECT {ProbeList} FROM probes WHERE Id = {key}", cancellationToken);
        if (row is null)
        {
            return null;
        }

        var runs = await db.QueryAsync<RunRow>($"SELECT {RunList} FROM runs WHERE ProbeId = {key}", cancellationToken);
        return await WithReportsAsync(RowMapping.ToRecord(row, runs), cancellationToken);
    }

    public async Task<ProbePage> ListAsync(ProbeQuery query, CancellationToken cancellationToken)
    {
        var (where, parameters) = Filter(query);
        // Checked: a wrapped negative offset would read as page 1 for a page far past the end.
        parameters.Add("skip", checked((query.Page - 1) * query.PageSize));
        parameters.Add("take", query.PageSize);
        var page = $"SELECT Id FROM probes{where} ORDER BY CreatedAtMs DESC, Id LIMIT @take OFFSET @skip";

        await using var connection = await database.OpenAsync(cancellationToken);
        // One snapshot: the page's probes and the runs read for them are the same page.
        await using var snapshot = await database.BeginSnapshotAsync(connection, cancellationToken);
        var db = new DbSession(connection, snapshot, database.Provider);
        var total = await db.LongAsync($"SELECT COUNT(*) FROM probes{where}", parameters, cancellationToken);
        var rows = await db.QueryAsync<ProbeRow>($"SELECT {ProbeColumns} FROM probes{where} ORDER BY CreatedAtMs DESC, Id LIMIT @take OFFSET @skip", parameters, cancellationToken);
        var runs = rows.Count == 0 ? [] : await db.QueryAsync<RunRow>($"SELECT {RunColumns} FROM runs WHERE ProbeId IN ({page})", parameters, cancellationToken);
        await snapshot.CommitAsync(cancellationToken);
        var byProbe = runs.ToLookup(r => r.ProbeId);
        return new ProbePage([.. rows.Select(r => RowMapping.ToRecord(r, byProbe[r.Id]))], (int)total);
    }

    public async Task<string?> AgentOfRunAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await Reader(connection).FirstOrDefaultAsync<string>($"SELECT AgentId FROM runs WHERE Id = {HotPathSql.Key(runId)}", cancellationToken);
    }

    public Task MarkRunStartedAsync(Guid runId, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(db => HotPathSql.MarkRunStartedAsync(db, runId, at.ToUnixTimeMilliseconds(), cancellationToken), cancellationToken);

    public async Task<bool> EndRunAsync(RunRecord ended, ProbeEnd? probeEnd, CancellationToken cancellationToken)
    {
        var end = new RunRow();
        RowMapping.ApplyEnd(end, ended);
        var lateResultAllowed = ended.Status == RunStatus.Completed;
        var changed = await _writer.Enqueue(async db =>
        {
            var runs = await HotPathSql.EndRunAsync(db, ended.Id, ended.Agent.Id, end, lateResultAllowed, cancellationToken);
            if (probeEnd is not null)
            {
                await HotPathSql.SetProbeStatusAsync(db, ended.ProbeId, probeEnd.Status.ToString(), probeEnd.At.ToUnixTimeMilliseconds(), cancellationToken);
            }

            return runs;
        }, cancellationToken);
        return changed == 1;
    }

    public Task<int> InterruptUnfinishedAsync(Diagnosis diagnosis, DateTimeOffset at, CancellationToken cancellationToken) =>
        // SQLite is one hub: whatever is unfinished was this hub's. On PostgreSQL only this replica's probes (and those of
        // hubs from before replicas had names): the others' are theirs, or a sweep's once their lease expires.
        _writer.Enqueue(db => EndUnfinishedAsync(db, database.Provider == StorageProvider.Sqlite ? null : replica, diagnosis, at, cancellationToken), cancellationToken);

    public async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        if (guard is not null && !await guard.CheckAsync(cancellationToken))
        {
            return health.Problem;
        }

        try
        {
            // A real (tiny) write through the writer: reading alone says nothing about a full disk or a read-only file.
            await _writer.Enqueue(db => db.ExecuteAsync($"UPDATE store_identity SET CheckedAtMs = {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}", cancellationToken), cancellationToken)
                .WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            await using var connection = await database.OpenAsync(cancellationToken);
            _ = await Reader(connection).LongAsync($"SELECT COUNT(*) FROM store_identity", cancellationToken);
            return health.Problem;
        }
        catch (Exception ex) when (StorageHealth.IsUnavailable(ex) || ex is TimeoutException or InvalidOperationException or DbException)
        {
            return health.Problem ?? ex.Message;
        }
    }

    // The database (its connection pool) is the container's to dispose, after this store.
    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private DbSession Reader(DbConnection connection) => new(connection, null, database.Provider);

    private Task WriteAsync(Func<DbSession, Task> write, CancellationToken cancellationToken) =>
        _writer.Enqueue(async db =>
        {
            await write(db);
            return true;
        }, cancellationToken);

    /// <summary>The listing's filters as a WHERE clause (empty when none) over named parameters.</summary>
    private static (string Where, DynamicParameters Parameters) Filter(ProbeQuery query)
    {
        var conditions = new List<string>();
        var parameters = new DynamicParameters();
        void Add(string condition, string name, object value)
        {
            conditions.Add(condition);
            parameters.Add(name, value);
        }

        if (query.Status is { } status)
        {
            Add("Status = @status", "status", status.ToString());
        }

        if (query.Verdict is { } verdict)
        {
            Add("EXISTS (SELECT 1 FROM runs r WHERE r.ProbeId = probes.Id AND r.Verdict = @verdict)", "verdict", verdict.ToString());
        }

        if (!string.IsNullOrEmpty(query.Agent))
        {
            Add("EXISTS (SELECT 1 FROM runs r WHERE r.ProbeId = probes.Id AND (r.AgentId = @agent OR r.AgentName = @agent))", "agent", query.Agent);
        }

        if (!string.IsNullOrEmpty(query.Server))
        {
            Add("Server = @server", "server", query.Server.ToLowerInvariant());
        }

        if (!string.IsNullOrEmpty(query.Domain))
        {
            Add("Domain = @domain", "domain", query.Domain.ToLowerInvariant());
        }

        if (query.Monitor is { } monitor)
        {
            Add("MonitorId = @monitor", "monitor", HotPathSql.Key(monitor));
        }

        if (query.CreatedFrom is { } from)
        {
            Add("CreatedAtMs >= @createdFrom", "createdFrom", from.ToUnixTimeMilliseconds());
        }

        if (query.CreatedTo is { } to)
        {
            Add("CreatedAtMs < @createdTo", "createdTo", to.ToUnixTimeMilliseconds());
        }

        var where = new StringBuilder();
        for (var i = 0; i < conditions.Count; i++)
        {
            where.Append(i == 0 ? " WHERE " : " AND ").Append(conditions[i]);
        }

        return (where.ToString(), parameters);
    }
}
