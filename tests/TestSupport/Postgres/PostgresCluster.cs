using System.Globalization;
using Npgsql;
using SmtpProbeHub.TestSupport.Peers;

namespace SmtpProbeHub.TestSupport.Postgres;

/// <summary>
/// A private PostgreSQL cluster for the tests: initdb into a fresh temporary directory, started as the
/// <c>postgres</c> OS user (initdb and postgres refuse to run as root) and listening on a Unix socket in that
/// directory only: no TCP port at all, so nothing can take it and no other cluster can be reached by mistake.
/// The system cluster the Debian package may run is never used. One cluster per test process
/// (<see cref="SharedAsync"/>); each test gets its own empty database (<see cref="CreateDatabaseAsync"/>).
/// </summary>
public sealed class PostgresCluster
{
    private const string InstallRoot = "/usr/lib/postgresql";
    private const string RunUser = "/usr/sbin/runuser";
    private const string OsUser = "postgres";

    /// <summary>The longest Unix socket path Linux takes (sun_path is 108 bytes with its terminating NUL).</summary>
    private const int MaxSocketPath = 107;

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private static readonly Lazy<Task<PostgresCluster>> Shared = new(StartSharedAsync);

    private PostgresCluster(string binDirectory, string rootDirectory)
    {
        BinDirectory = binDirectory;
        RootDirectory = rootDirectory;
        DataDirectory = Path.Combine(rootDirectory, "data");
        LogPath = Path.Combine(rootDirectory, "postgres.log");
    }

    /// <summary>Whether a PostgreSQL server is installed where Debian's <c>postgresql</c> package puts it.</summary>
    public static bool IsInstalled => FindBinDirectory() is not null;

    /// <summary>The <c>bin</c> directory of the highest installed version (initdb, pg_ctl, postgres).</summary>
    public string BinDirectory { get; }

    /// <summary>The temporary directory that holds everything of this cluster; deleted when it stops.</summary>
    public string RootDirectory { get; }

    /// <summary>The cluster's data directory (<c>SHOW data_directory</c> names it).</summary>
    public string DataDirectory { get; }

    /// <summary>Where the server listens: the directory of its Unix socket, the only way in.</summary>
    public string SocketDirectory => RootDirectory;

    /// <summary>The server's log (pg_ctl <c>-l</c>); its tail is in the message when starting fails.</summary>
    public string LogPath { get; }

    /// <summary>The cluster of this test process, started on first use and stopped when the process exits.</summary>
    public static Task<PostgresCluster> SharedAsync() => Shared.Value;

    /// <summary>An Npgsql connection string for <paramref name="database"/> (a Host starting with / is a socket directory).</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = SocketDirectory, Username = OsUser, Database = database }.ConnectionString;

    /// <summary>Creates a fresh, empty database named <c>prefix_guid</c> and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}".ToLowerInvariant();
        await ExecuteOnPostgresAsync($"CREATE DATABASE {Quote(name)}");
        return ConnectionString(name);
    }

    /// <summary>Drops the database of <paramref name="connectionString"/>, closing whatever connections it still has.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database
            ?? throw new ArgumentException("The connection string names no database.", nameof(connectionString));
        // The pool would keep idle connections to it; FORCE ends those anyway, clearing first avoids their errors later.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(connectionString));
        await ExecuteOnPostgresAsync($"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)");
    }

    /// <summary>Starts a cluster of its own (most tests want <see cref="SharedAsync"/>); stop it with <see cref="Stop"/>.</summary>
    public static async Task<PostgresCluster> StartAsync()
    {
        var bin = FindBinDirectory()
            ?? throw new InvalidOperationException(
                $"PostgreSQL is not installed: run bash scripts/install-test-deps.sh (as root; no {InstallRoot}/<version>/bin/initdb found)");
        RequiredBinary.RequireRoot("A private PostgreSQL cluster (initdb and pg_ctl run as the postgres user through runuser)");
        RequiredBinary.Require(RunUser, "util-linux");

        var root = Directory.CreateTempSubdirectory("smtpprobehub-pg-").FullName;
        var cluster = new PostgresCluster(bin, root);
        try
        {
            await cluster.InitAndStartAsync();
            return cluster;
        }
        catch
        {
            cluster.Stop();
            throw;
        }
    }

    /// <summary>Stops the server at once (no checkpoint: the data is thrown away) and deletes its directory; best effort.</summary>
    public void Stop()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            ProcessRunner.RunAsync(RunUser, AsPostgres("pg_ctl", "stop", "-m", "immediate", "-w", "-D", DataDirectory), CommandTimeout)
                .GetAwaiter().GetResult();
        }

        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover directory under /tmp is harmless.
        }
    }

    private static async Task<PostgresCluster> StartSharedAsync()
    {
        var cluster = await StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();
        return cluster;
    }

    private static string? FindBinDirectory()
    {
        if (!Directory.Exists(InstallRoot))
        {
            return null;
        }

        return Directory.EnumerateDirectories(InstallRoot)
            .Select(dir => (Dir: dir, Version: decimal.TryParse(Path.GetFileName(dir), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : -1))
            .Where(x => x.Version >= 0 && File.Exists(Path.Combine(x.Dir, "bin", "initdb")))
            .OrderByDescending(x => x.Version)
            .Select(x => Path.Combine(x.Dir, "bin"))
            .FirstOrDefault();
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private async Task InitAndStartAsync()
    {
        var socket = Path.Combine(SocketDirectory, ".s.PGSQL.5432");
        if (socket.Length > MaxSocketPath)
        {
            throw new InvalidOperationException(
                $"The socket path {socket} is longer than Unix sockets allow ({MaxSocketPath}): set TMPDIR to a short directory such as /tmp.");
        }

        // The postgres user must reach the directory (it is created 0700 for root) and own it; others may look in.
        await ProcessRunner.RunCheckedAsync("chmod", ["0755", RootDirectory], CommandTimeout);
        await ProcessRunner.RunCheckedAsync("chown", [$"{OsUser}:", RootDirectory], CommandTimeout);

        await ProcessRunner.RunCheckedAsync(RunUser, AsPostgres(
            "initdb", "-D", DataDirectory, "--auth=trust", "--username=postgres", "--encoding=UTF8", "--locale=C", "--no-sync"), CommandTimeout);

        // pg_ctl hands -o to a shell: '' is an empty value (no TCP listener), the quotes keep the directory one word.
        var options = $"-c listen_addresses='' -c unix_socket_directories='{SocketDirectory}' "
            + "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
        var start = await ProcessRunner.RunAsync(RunUser, AsPostgres(
            "pg_ctl", "start", "-w", "-t", "60", "-D", DataDirectory, "-l", LogPath, "-o", options), CommandTimeout);
        if (start.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"PostgreSQL did not start (pg_ctl exited with {start.ExitCode}):{Environment.NewLine}{start.Output}"
                + $"{Environment.NewLine}Log {LogPath}, last lines:{Environment.NewLine}{LogTail()}");
        }
    }

    /// <summary>runuser arguments that run <paramref name="tool"/> from <see cref="BinDirectory"/> as the postgres user.</summary>
    private List<string> AsPostgres(string tool, params string[] arguments) =>
        ["-u", OsUser, "--", Path.Combine(BinDirectory, tool), .. arguments];

    private async Task ExecuteOnPostgresAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private string LogTail()
    {
        try
        {
            return string.Join(Environment.NewLine, File.ReadLines(LogPath).TakeLast(30));
        }
        catch (IOException e)
        {
            return $"(no log: {e.Message})";
        }
    }
}
