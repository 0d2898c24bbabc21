using Microsoft.EntityFrameworkCore;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Storage.Sqlite;

/// <summary>
/// <see cref="IProbeStore"/> on SQLite with EF Core. Every write goes through one <see cref="SqliteWriteQueue"/>:
/// SQLite has one writer anyway, in-process ordering is cheaper than SQLITE_BUSY retries, and it gives the
/// seam's promise that writes apply in the order they were made. Reads use their own pooled contexts.
/// </summary>
internal sealed partial class SqliteProbeStore(
    IDbContextFactory<HubDbContext> contexts, StorageHealth health, DatabaseFileGuard guard, ILogger<SqliteProbeStore> logger) : IProbeStore, IAsyncDisposable
{
    private static readonly string[] Unfinished = [nameof(RunStatus.Queued), nameof(RunStatus.Running)];
    private readonly SqliteWriteQueue _writer = new(contexts, logger, health, guard);

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await SchemaMigrator.MigrateAsync(connection, logger, cancellationToken);
        await guard.RememberAsync(cancellationToken);
    }

    public Task CreateAsync(ProbeRecord probe, CancellationToken cancellationToken)
    {
        var row = RowMapping.ToRow(probe);
        var runs = probe.Runs.Select(RowMapping.ToRow).ToList();
        return WriteAsync(db => HotPathSql.InsertProbeAsync(db, row, runs, cancellationToken), cancellationToken);
    }

    public async Task<ProbeRecord?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Probes.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var runs = await db.Runs.AsNoTracking().Where(r => r.ProbeId == id).ToListAsync(cancellationToken);
        return await WithReportsAsync(RowMapping.ToRecord(row, runs), cancellationToken);
    }

    public async Task<ProbePage> ListAsync(ProbeQuery query, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var probes = db.Probes.AsNoTracking();
        if (query.Status is { } status)
        {
            probes = probes.Where(p => p.Status == status.ToString());
        }

        if (query.Verdict is { } verdict)
        {
            var text = verdict.ToString();
            probes = probes.Where(p => db.Runs.Any(r => r.ProbeId == p.Id && r.Verdict == text));
        }

        if (!string.IsNullOrEmpty(query.Agent))
        {
            probes = probes.Where(p => db.Runs.Any(r => r.ProbeId == p.Id && (r.AgentId == query.Agent || r.AgentName == query.Agent)));
        }

        if (!string.IsNullOrEmpty(query.Server))
        {
            var server = query.Server.ToLowerInvariant();
            probes = probes.Where(p => p.Server == server);
        }

        if (!string.IsNullOrEmpty(query.Domain))
        {
            var domain = query.Domain.ToLowerInvariant();
            probes = probes.Where(p => p.Domain == domain);
        }

        if (query.Monitor is { } monitor)
        {
            probes = probes.Where(p => p.MonitorId == monitor);
        }

        if (query.CreatedFrom is { } from)
        {
            var ms = from.ToUnixTimeMilliseconds();
            probes = probes.Where(p => p.CreatedAtMs >= ms);
        }

        if (query.CreatedTo is { } to)
        {
            var ms = to.ToUnixTimeMilliseconds();
            probes = probes.Where(p => p.CreatedAtMs < ms);
        }

        var total = await probes.CountAsync(cancellationToken);
        // Checked: a wrapped negative offset reads as 0 in SQLite, i.e. page 1 for a page far past the end.
        var skip = checked((query.Page - 1) * query.PageSize);
        var rows = await probes.OrderByDescending(p => p.CreatedAtMs).ThenBy(p => p.Id)
            .Skip(skip).Take(query.PageSize).ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Id).ToList();
        var runs = await db.Runs.AsNoTracking().Where(r => ids.Contains(r.ProbeId)).ToListAsync(cancellationToken);
        var byProbe = runs.ToLookup(r => r.ProbeId);
        return new ProbePage([.. rows.Select(r => RowMapping.ToRecord(r, byProbe[r.Id]))], total);
    }

    public async Task<string?> AgentOfRunAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => r.AgentId).SingleOrDefaultAsync(cancellationToken);
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

    public async Task<int> InterruptUnfinishedAsync(Diagnosis diagnosis, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var count = 0;
        await WriteAsync(async db =>
        {
            var runs = await db.Runs.Where(r => Unfinished.Contains(r.Status)).ToListAsync(cancellationToken);
            foreach (var row in runs)
            {
                var record = RowMapping.ToRecord(row) with { Status = RunStatus.AgentLost, EndedAt = at, Diagnosis = diagnosis };
                RowMapping.ApplyEnd(row, record);
            }

            var probeIds = runs.Select(r => r.ProbeId).Distinct().ToList();
            var probes = await db.Probes.Where(p => probeIds.Contains(p.Id) || p.Status == nameof(ProbeStatus.Running)).ToListAsync(cancellationToken);
            foreach (var probe in probes)
            {
                probe.Status = nameof(ProbeStatus.Completed);
                probe.EndedAtMs = at.ToUnixTimeMilliseconds();
            }

            await db.SaveChangesAsync(cancellationToken);
            count = runs.Count;
        }, cancellationToken);
        return count;
    }

    public async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        if (!await guard.CheckAsync(cancellationToken))
        {
            return health.Problem;
        }

        try
        {
            // A real (tiny) write through the writer: reading alone says nothing about a full disk or a read-only file.
            await _writer.Enqueue(db => db.Database.ExecuteSqlAsync($"UPDATE store_identity SET CheckedAtMs = {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}", cancellationToken), cancellationToken)
                .WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            _ = await db.Probes.AnyAsync(cancellationToken);
            return health.Problem;
        }
        catch (Exception ex) when (StorageHealth.IsUnavailable(ex) || ex is TimeoutException or InvalidOperationException)
        {
            return health.Problem ?? ex.Message;
        }
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private Task WriteAsync(Func<HubDbContext, Task> write, CancellationToken cancellationToken) =>
        _writer.Enqueue(async db =>
        {
            await write(db);
            return true;
        }, cancellationToken);
}
