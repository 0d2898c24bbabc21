using System.Data.Common;

namespace SmtpProbeHub.Api.Storage.Database;

/// <summary>
/// Brings the schema up to date: a <c>schema_version</c> table records which numbered script of the provider's list
/// (<see cref="SchemaScripts"/>) ran, each new script runs once in its own transaction (or, for what SQLite cannot do in
/// one, such as VACUUM, outside any: those must be safe to run twice). A database written by a newer hub is refused.
/// Several hubs starting at once on one PostgreSQL take turns (an advisory lock): the second finds the work done.
/// </summary>
internal static class SchemaMigrator
{
    /// <summary>The advisory lock's key (any fixed number; "SMTPPROB" read as hex-ish).</summary>
    private const long PostgresMigrationLock = 0x534D5450_50524F42;

    public static async Task<int> MigrateAsync(DbConnection connection, StorageProvider provider, ILogger logger, CancellationToken cancellationToken)
    {
        if (provider == StorageProvider.Postgres)
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({PostgresMigrationLock});", cancellationToken);
            try
            {
                return await MigrateAsync(connection, SchemaScripts.Postgres, logger, cancellationToken);
            }
            finally
            {
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({PostgresMigrationLock});", CancellationToken.None);
            }
        }

        // WAL lets readers (GET, SSE replay) run while a run's result is written.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
        return await MigrateAsync(connection, SchemaScripts.Sqlite, logger, cancellationToken);
    }

    private static async Task<int> MigrateAsync(DbConnection connection, IReadOnlyList<SchemaScript> scripts, ILogger logger, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS schema_version (Version INTEGER NOT NULL);", cancellationToken);
        var current = await CurrentVersionAsync(connection, cancellationToken);
        if (current > scripts.Count)
        {
            throw new InvalidOperationException(
                $"The database has schema version {current}, newer than this hub knows ({scripts.Count}): refusing to use it.");
        }

        for (var version = current + 1; version <= scripts.Count; version++)
        {
            var script = scripts[version - 1];
            if (script.Notice is { } notice && current > 0)
            {
                // Only on an upgrade: on a new database every step is quick and there is nothing to explain.
                logger.LogWarning("Schema {Version}: {Notice}", version, notice);
            }

            if (!script.InTransaction)
            {
                // Interrupted before its version is recorded, it runs again at the next start: hence safe to repeat.
                await ExecuteAsync(connection, null, script.Sql, cancellationToken);
                await ExecuteAsync(connection, null, $"INSERT INTO schema_version (Version) VALUES ({version});", cancellationToken);
                continue;
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, transaction, script.Sql, cancellationToken);
            await ExecuteAsync(connection, transaction, $"INSERT INTO schema_version (Version) VALUES ({version});", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return scripts.Count;
    }

    public static async Task<int> CurrentVersionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(Version), 0) FROM schema_version;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>One numbered schema step. A plain string is a script run in a transaction.</summary>
/// <param name="Sql">The statements.</param>
/// <param name="InTransaction">False for statements SQLite refuses inside a transaction (VACUUM); they must be safe to repeat.</param>
/// <param name="Notice">Logged before the step runs, for steps an operator should know about (slow, disk-hungry).</param>
internal sealed record SchemaScript(string Sql, bool InTransaction = true, string? Notice = null)
{
    public static implicit operator SchemaScript(string sql) => new(sql);
}
