using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace SmtpProbeHub.Api.Storage.Database;

/// <summary>
/// Where the hub's tables are: opens connections to SQLite or PostgreSQL and holds the little that differs between
/// them at run time (per-connection settings, how a read sees one snapshot, which error is a duplicate key). The SQL
/// itself is the same for both; only the schema scripts are written per provider (<see cref="SchemaScripts"/>).
/// </summary>
internal sealed class StorageDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _postgres;

    public StorageDatabase(StorageProvider provider, string connectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _postgres = provider == StorageProvider.Postgres ? NpgsqlDataSource.Create(connectionString) : null;
    }

    public StorageProvider Provider { get; }

    public string ConnectionString { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            // Per connection. In WAL mode a commit then no longer waits for an fsync (only checkpoints do): every write was
            // serialised behind one, which made storage the hub's bottleneck. Still durable when the hub process crashes;
            // only a power loss or kernel crash can lose the last commits (SQLite's recommended setting for WAL).
            command.CommandText = "PRAGMA synchronous=NORMAL;";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A read-only transaction in which every statement sees the same committed state (a page and its runs).</summary>
    public async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection is SqliteConnection sqlite
            // Deferred: takes no write lock; in WAL mode the first read fixes the snapshot.
            ? sqlite.BeginTransaction(deferred: true)
            : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    public static bool IsUniqueViolation(Exception exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode == 2067 /* SQLITE_CONSTRAINT_UNIQUE */,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
