using Microsoft.Data.Sqlite;

namespace SmtpProbeHub.Api.Storage.Sqlite;

/// <summary>
/// Notices the database file being deleted or replaced under the running hub. The writer's open connection keeps
/// writing to the old file, which SQLite does not notice: every later probe would answer 200 and be gone after a
/// restart. Each database gets a random marker at creation; a fresh connection (no pool, no create) must find the
/// same marker at the same path. Checked before write batches at most every <see cref="Interval"/>, and by readiness.
/// </summary>
internal sealed class DatabaseFileGuard(string connectionString, StorageHealth health)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly string? _path = FilePathOf(connectionString);
    private string? _marker;
    private long _lastCheck = Environment.TickCount64;

    /// <summary>Reads this database's marker (after migration made it).</summary>
    public async Task RememberAsync(CancellationToken cancellationToken) => _marker = await ReadMarkerAsync(cancellationToken);

    /// <summary>At most every <see cref="Interval"/>: false (and storage marked lost) when the file is gone or another one.</summary>
    public async Task<bool> CheckIfDueAsync()
    {
        if (Environment.TickCount64 - _lastCheck < Interval.TotalMilliseconds)
        {
            return !IsLost;
        }

        return await CheckAsync(CancellationToken.None);
    }

    public bool IsLost { get; private set; }

    /// <summary>False (and storage marked lost) when the file at the path is not the database this hub opened.</summary>
    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        _lastCheck = Environment.TickCount64;
        if (_path is null || _marker is null || IsLost)
        {
            return !IsLost;
        }

        string? found;
        try
        {
            found = File.Exists(_path) ? await ReadMarkerAsync(cancellationToken) : null;
        }
        catch (SqliteException)
        {
            found = null;
        }

        if (found == _marker)
        {
            return true;
        }

        IsLost = true;
        health.FileLost(found is null
            ? $"The database file {_path} was deleted (or can no longer be opened) while the hub was running"
            : $"The database file {_path} was replaced by another database while the hub was running");
        return false;
    }

    private async Task<string?> ReadMarkerAsync(CancellationToken cancellationToken)
    {
        if (_path is null)
        {
            return null;
        }

        var fresh = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
        await using var connection = new SqliteConnection(fresh);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Marker FROM store_identity LIMIT 1;";
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static string? FilePathOf(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return string.IsNullOrEmpty(dataSource) || dataSource.Contains(":memory:", StringComparison.OrdinalIgnoreCase) || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            ? null
            : Path.GetFullPath(dataSource);
    }
}
