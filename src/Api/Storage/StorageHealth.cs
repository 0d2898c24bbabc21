using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SmtpProbeHub.Api.Storage;

/// <summary>
/// Whether storage can write now, as the writer last found it: a failed commit (disk full, read-only, locked) makes it
/// unavailable until a write succeeds again; a database file deleted or replaced under the hub makes it unavailable
/// for good (writes would go to a file nobody will ever read: only a restart helps). Readiness and every write ask here.
/// </summary>
public sealed class StorageHealth(ILogger<StorageHealth> logger, string? directory = null, double minFreeMegabytes = 0)
{
    private volatile string? _writeProblem;
    private volatile string? _fileProblem;
    private volatile string? _spaceProblem;
    private long _spaceCheckedAt = long.MinValue;

    /// <summary>Why storage cannot write now, or null when it can.</summary>
    public string? Problem
    {
        get
        {
            CheckSpaceIfDue();
            return _fileProblem ?? _writeProblem ?? _spaceProblem;
        }
    }

    /// <summary>At most once a second (a statvfs is cheap, but not on every request): is the disk nearly full?</summary>
    private void CheckSpaceIfDue()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _spaceCheckedAt);
        if (directory is null || minFreeMegabytes <= 0 || now - last < 1_000 || Interlocked.CompareExchange(ref _spaceCheckedAt, now, last) != last)
        {
            return;
        }

        try
        {
            var free = new DriveInfo(directory).AvailableFreeSpace;
            var problem = free < minFreeMegabytes * 1024 * 1024
                ? $"only {free / 1024} KB free on the disk of {directory} (Hub:Storage:MinFreeMegabytes is {minFreeMegabytes:0.###})"
                : null;
            if (problem is not null && _spaceProblem is null)
            {
                logger.LogError("Storage is nearly full: {Why}. Probes are refused with 503 storage_unavailable until there is room", problem);
            }
            else if (problem is null && _spaceProblem is not null)
            {
                logger.LogWarning("Storage has room again");
            }

            _spaceProblem = problem;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Not measurable here (an unusual mount): the write path still reports real failures.
        }
    }

    internal void WriteFailed(string why)
    {
        if (_writeProblem is null)
        {
            logger.LogError("Storage cannot write: {Why}. Probes are refused with 503 storage_unavailable until a write succeeds", why);
        }

        _writeProblem = why;
    }

    internal void WriteSucceeded()
    {
        if (_writeProblem is not null)
        {
            logger.LogWarning("Storage writes again (it could not: {Why})", _writeProblem);
            _writeProblem = null;
        }
    }

    internal void FileLost(string why)
    {
        if (_fileProblem is null)
        {
            logger.LogCritical("{Why}: refusing every write from now on (it would be lost). Restart the hub", why);
        }

        _fileProblem = why;
    }

    /// <summary>True for the errors that mean "storage is unusable now" rather than a bug in a statement.</summary>
    internal static bool IsUnavailable(Exception exception) => exception switch
    {
        StorageUnavailableException => true,
        SqliteException sqlite => sqlite.SqliteErrorCode is 3 /* PERM */ or 5 /* BUSY */ or 6 /* LOCKED */ or 8 /* READONLY */
            or 10 /* IOERR */ or 11 /* CORRUPT */ or 13 /* FULL */ or 14 /* CANTOPEN */ or 26 /* NOTADB */,
        // A server that cannot be reached or refuses for now (PostgreSQL): the same answer as a full disk, 503 and retry.
        Npgsql.NpgsqlException { IsTransient: true } => true,
        Npgsql.PostgresException { SqlState: "53100" /* disk full */ or "53200" /* out of memory */ or "57P01" /* admin shutdown */ or "57P03" /* cannot connect now */ } => true,
        IOException or UnauthorizedAccessException => true,
        _ => exception.InnerException is { } inner && IsUnavailable(inner),
    };
}

/// <summary>Storage cannot write (answered as 503 <c>storage_unavailable</c> with Retry-After); nothing of the request was kept.</summary>
public sealed class StorageUnavailableException(string reason, Exception? inner = null)
    : Exception($"Storage is unavailable: {reason}", inner)
{
    /// <summary>Why, in words (names no secret: it comes from the database engine or the file system).</summary>
    public string Reason { get; } = reason;
}

/// <summary>Ready when storage can read and write, and its file is still the one the hub opened.</summary>
internal sealed class StorageHealthCheck(IProbeStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.ProblemAsync(cancellationToken) is { } problem
            ? HealthCheckResult.Unhealthy($"Storage cannot write: {problem}")
            : HealthCheckResult.Healthy("Storage reads and writes.");
}
