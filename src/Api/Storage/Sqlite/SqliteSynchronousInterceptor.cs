using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SmtpProbeHub.Api.Storage.Sqlite;

/// <summary>
/// <c>PRAGMA synchronous=NORMAL</c> on every connection the hub opens (the setting is per connection). In WAL mode
/// a commit then no longer waits for an fsync (only checkpoints do): every write was serialised behind one,
/// which made storage the hub's bottleneck. Still durable when the hub process crashes; only a power loss or
/// kernel crash can lose the last commits (SQLite's recommended setting for WAL).
/// </summary>
internal sealed class SqliteSynchronousInterceptor : DbConnectionInterceptor
{
    public static readonly SqliteSynchronousInterceptor Instance = new();

    private const string Pragma = "PRAGMA synchronous=NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
