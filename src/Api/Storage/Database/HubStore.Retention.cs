using SmtpProbeHub.Api.Dispatch;

namespace SmtpProbeHub.Api.Storage.Database;

internal sealed partial class HubStore
{
    /// <summary>
    /// Free pages given back per step of <see cref="ReclaimSpaceAsync"/> (8 MB at 4 KB pages): each step moves pages
    /// from the end of the file into the holes and is one write, so probes queued behind it wait milliseconds.
    /// </summary>
    private static readonly RawSql VacuumStep = SqlText.Raw("PRAGMA incremental_vacuum(2048);");

    private static readonly string Running = nameof(ProbeStatus.Running);

    public Task<DeletedProbes> DeleteOldProbesAsync(DateTimeOffset? createdBefore, int? keepNewest, int batchSize, CancellationToken cancellationToken) =>
        _writer.Enqueue(async db =>
        {
            // Everything ordered at or after this cut (oldest side) may go: the later of the age cut and the newest
            // probe beyond the count limit, in the listing's order (CreatedAtMs DESC, then Id).
            var olderThanMs = createdBefore?.ToUnixTimeMilliseconds() ?? long.MinValue;
            string? sameMsFromId = null;
            if (keepNewest is { } keep)
            {
                var beyond = await db.QueryAsync<ListPosition>($"""
                    SELECT CreatedAtMs, Id FROM probes ORDER BY CreatedAtMs DESC, Id LIMIT 1 OFFSET {keep}
                    """, cancellationToken);
                if (beyond is [var first] && first.CreatedAtMs >= olderThanMs)
                {
                    (olderThanMs, sameMsFromId) = (first.CreatedAtMs, first.Id);
                }
            }

            // Oldest first, in the listing index's order read backwards (CreatedAtMs, Id DESC): no sort, however many
            // probes have expired, and the scan stops at the batch's end.
            var ids = await db.QueryAsync<string>($"""
                SELECT Id AS Value FROM probes
                WHERE Status <> {Running}
                  AND (CreatedAtMs < {olderThanMs} OR (CreatedAtMs = {olderThanMs} AND Id >= {sameMsFromId}))
                ORDER BY CreatedAtMs, Id DESC
                LIMIT {batchSize}
                """, cancellationToken);
            if (ids.Count == 0)
            {
                return new DeletedProbes(0, 0);
            }

            // Runs (and, through their trigger, a run's DSNs) are all that hangs off a probe in the database; live events are
            // in memory and expire on their own. One key at a time: the same SQL on both providers (no array parameter),
            // and a batch is at most Hub:Retention:BatchSize keys inside one write.
            int runs = 0, probes = 0;
            foreach (var id in ids)
            {
                runs += await db.ExecuteAsync($"DELETE FROM runs WHERE ProbeId = {id}", cancellationToken);
                await db.ExecuteAsync($"DELETE FROM probe_events WHERE ProbeId = {id}", cancellationToken);
                probes += await db.ExecuteAsync($"DELETE FROM probes WHERE Id = {id}", cancellationToken);
            }

            return new DeletedProbes(probes, runs);
        }, cancellationToken);

    public async Task<long> ReclaimSpaceAsync(CancellationToken cancellationToken)
    {
        if (database.Provider != StorageProvider.Sqlite)
        {
            // PostgreSQL's autovacuum makes the space of deleted rows reusable on its own; giving it back to the file
            // system (VACUUM FULL) locks the tables, which is a decision for its operator, not for the hub.
            return 0;
        }

        long reclaimed = 0;
        while (true)
        {
            var (freed, left) = await _writer.Enqueue(async db =>
            {
                var before = await ScalarAsync(db, $"SELECT page_count AS Value FROM pragma_page_count()", cancellationToken);
                // A no-op unless the database is in incremental auto-vacuum mode (schema 4 switches it).
                await db.ExecuteAsync($"{VacuumStep}", cancellationToken);
                var after = await ScalarAsync(db, $"SELECT page_count AS Value FROM pragma_page_count()", cancellationToken);
                var pageSize = await ScalarAsync(db, $"SELECT page_size AS Value FROM pragma_page_size()", cancellationToken);
                return ((before - after) * pageSize, await ScalarAsync(db, $"SELECT freelist_count AS Value FROM pragma_freelist_count()", cancellationToken));
            }, cancellationToken);
            reclaimed += freed;
            if (freed == 0 || left == 0)
            {
                break;
            }
        }

        if (reclaimed > 0)
        {
            await TruncateWalAsync(cancellationToken);
        }

        return reclaimed;
    }

    /// <summary>
    /// In WAL mode the file shrinks only when a checkpoint copies the vacuumed pages back, and the WAL itself keeps the
    /// size the vacuum grew it to. A TRUNCATE checkpoint does both. Best effort: it needs a moment with no writer
    /// and no older reader, and is skipped (answers busy) rather than waited for; the next checkpoint does it then.
    /// </summary>
    private async Task TruncateWalAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // A statement with side effects, so not a table-valued pragma: its one row is (busy, log frames, checkpointed).
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken) && reader.GetInt64(0) != 0)
        {
            LogCheckpointBusy();
        }
    }

    private static Task<long> ScalarAsync(DbSession db, FormattableString sql, CancellationToken cancellationToken) => db.LongAsync(sql, cancellationToken);

    [LoggerMessage(LogLevel.Debug, "WAL checkpoint after reclaiming space was busy; a later checkpoint shrinks the files")]
    private partial void LogCheckpointBusy();

    private sealed class ListPosition
    {
        public long CreatedAtMs { get; set; }

        public string Id { get; set; } = "";
    }
}
