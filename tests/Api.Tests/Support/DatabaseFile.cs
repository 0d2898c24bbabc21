using Microsoft.Data.Sqlite;

namespace SmtpProbeHub.Api.Tests.Support;

/// <summary>
/// Looks at a hub's SQLite file from the side, on a connection of its own (WAL lets it read while the hub writes).
/// Sizes are logical (page count × page size): what the file holds once the WAL is checkpointed, whatever the
/// WAL holds now, so a measurement does not depend on when SQLite last checkpointed.
/// </summary>
internal sealed class DatabaseFile(string dataDirectory)
{
    public string Path { get; } = System.IO.Path.Combine(dataDirectory, "smtpprobehub.db");

    public Task<long> SizeBytesAsync() => ScalarAsync("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size();");

    public Task<long> FreelistPagesAsync() => ScalarAsync("PRAGMA freelist_count;");

    /// <summary>0 none, 1 full, 2 incremental.</summary>
    public Task<long> AutoVacuumAsync() => ScalarAsync("PRAGMA auto_vacuum;");

    /// <summary>The database file and its WAL as they are on disk now.</summary>
    public long BytesOnDisk() =>
        new[] { Path, Path + "-wal" }.Select(f => new FileInfo(f)).Where(f => f.Exists).Sum(f => f.Length);

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path};Pooling=false");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
