using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SmtpProbeHub.Probe;
using SmtpProbeHub.TestSupport.Postgres;

namespace SmtpProbeHub.Api.Tests.Support;

/// <summary>
/// The hub in-process on its own temporary data directory, the one test factory. <see cref="Runner"/> replaces the
/// engine when set; settings are extra configuration (e.g. "Hub:ApiKeys:0"). <see cref="WithRemoteAgents"/> is the
/// variant for the agent hub's tests. What an operator would read in the log is in <see cref="Logs"/>.
/// With <c>SMTPPROBEHUB_TEST_STORAGE=postgres</c> (or the setting <c>Hub:Storage:Provider=postgres</c> without a connection
/// string) the hub keeps its data in a fresh database of the test process's private PostgreSQL cluster; its connection
/// string is written in the data directory, so a factory made later on the same directory (a restart) finds the same data.
/// </summary>
internal sealed class HubFactory : WebApplicationFactory<Program>
{
    /// <summary>The enrolment token of <see cref="WithRemoteAgents"/> ("fleet").</summary>
    public const string AgentToken = "fleet-token-0123456789";

    /// <summary>The environment variable that moves every test hub to PostgreSQL (the second pass of scripts/test.sh).</summary>
    public const string StorageVariable = "SMTPPROBEHUB_TEST_STORAGE";

    /// <summary>The file in the data directory that names the PostgreSQL database of that directory's hub.</summary>
    private const string PostgresDatabaseFile = "postgres-connection-string.txt";

    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDataDirectory;
    private string? _ownedPostgresDatabase;

    /// <summary>How many hubs run on each data directory now (replica names, PostgreSQL).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> LiveOnDirectory = new();

    private bool _countedOnDirectory;

    public HubFactory(IProbeRunner? runner = null, Dictionary<string, string?>? settings = null, string? dataDirectory = null)
    {
        Runner = runner;
        _ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("hubtest-").FullName;
        _settings = settings ?? [];
    }

    public IProbeRunner? Runner { get; }

    /// <summary>Whether this test process runs its hubs on PostgreSQL (<see cref="StorageVariable"/> = postgres).</summary>
    public static bool PostgresByDefault =>
        string.Equals(System.Environment.GetEnvironmentVariable(StorageVariable), "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>The storage provider this hub runs on: the explicit setting, else the test process's default.</summary>
    public string StorageProviderName => _settings.TryGetValue("Hub:Storage:Provider", out var provider) && !string.IsNullOrEmpty(provider)
        ? provider
        : PostgresByDefault ? "postgres" : "sqlite";

    /// <summary>The PostgreSQL connection string the hub uses, or null on SQLite (known once the hub is built).</summary>
    public string? PostgresConnectionString { get; private set; }

    public string DataDirectory { get; }

    public Action<IServiceCollection>? ExtraServices { get; init; }

    /// <summary>The hosting environment when not the factory's default (Development).</summary>
    public string? Environment { get; init; }

    /// <summary>Every log record from Information up, whatever the console shows.</summary>
    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    /// <summary>
    /// The hub with the built-in agent off, one enrolment token ("fleet" = <see cref="AgentToken"/>) and short heartbeats,
    /// so remote-agent behaviour is what the tests see; <paramref name="clock"/>, when given, is the hub's TimeProvider;
    /// <paramref name="services"/>, when given, changes the hub's services further.
    /// </summary>
    public static HubFactory WithRemoteAgents(Dictionary<string, string?>? extra = null, TimeProvider? clock = null, Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Hub:LocalAgent:Enabled"] = "false",
            // A fleet token: the tests connect many agents with it, each enrolling its own id and key.
            ["Hub:EnrollmentTokens:fleet"] = AgentToken,
            // Port 0: no fixed port to require (the test server has none).
            ["Hub:Grpc:Url"] = "http://127.0.0.1:0",
            ["Hub:Grpc:HeartbeatSeconds"] = "1",
            ["Hub:Grpc:HeartbeatTimeoutSeconds"] = "3",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return new HubFactory(settings: settings)
        {
            ExtraServices = clock is null && services is null ? null : collection =>
            {
                if (clock is not null)
                {
                    collection.RemoveAll<TimeProvider>();
                    collection.AddSingleton(clock);
                }

                services?.Invoke(collection);
            },
        };
    }

    /// <summary>
    /// The first column of the first row of <paramref name="sql"/> on the hub's own database, whichever provider it is
    /// on (SQL both take, e.g. counting rows); also after the hub stopped, as long as its data is still there.
    /// </summary>
    public async Task<long> DatabaseScalarAsync(string sql)
    {
        if (PostgresConnectionString is null)
        {
            return await new DatabaseFile(DataDirectory).ScalarAsync(sql);
        }

        await using var connection = new Npgsql.NpgsqlConnection(PostgresConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A gRPC channel to the in-process hub, as an agent dials it.</summary>
    public GrpcChannel Channel() =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Hub:DataDirectory", DataDirectory);
        if (string.Equals(StorageProviderName, "postgres", StringComparison.OrdinalIgnoreCase))
        {
            PostgresConnectionString = _settings.TryGetValue("Hub:Storage:ConnectionString", out var configured) && !string.IsNullOrEmpty(configured)
                ? configured
                : DatabaseOfDataDirectory();
            builder.UseSetting("Hub:Storage:Provider", "postgres");
            builder.UseSetting("Hub:Storage:ConnectionString", PostgresConnectionString);
            // PostgreSQL is the replicas' provider: they seal relayed runs with a shared key (Cluster/AssignmentSeal).
            if (!_settings.ContainsKey("Hub:Cluster:SecretKey"))
            {
                builder.UseSetting("Hub:Cluster:SecretKey", "hub-factory-cluster-secret-0123456789abcdef");
            }

            // A replica name per data directory and live hub on it: hubs sharing a database at once are distinct replicas,
            // a restart on the same directory is the same replica coming back (and ends what it left unfinished, as a
            // restarted hub does).
            if (!_settings.ContainsKey("Hub:Cluster:ReplicaId"))
            {
                var sameDirectory = LiveOnDirectory.AddOrUpdate(DataDirectory, 1, (_, n) => n + 1) - 1;
                _countedOnDirectory = true;
                builder.UseSetting("Hub:Cluster:ReplicaId",
                    $"test-{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(DataDirectory)))[..12]}-{sameDirectory}");
            }
        }

        if (Environment is not null)
        {
            builder.UseEnvironment(Environment);
        }

        // Test output shows the hub's warnings and errors, not every request; the collector keeps Information and up.
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)
            .AddFakeLogging().AddFilter<FakeLoggerProvider>(null, LogLevel.Information));
        if (!_settings.Keys.Any(k => k.StartsWith("Hub:Targets", StringComparison.Ordinal)))
        {
            // The fakes and the tests' peers listen on loopback ports: allowed here explicitly, as an operator would
            // (the default policy refuses loopback and ports other than 25, 465, 587 and 2525; TargetPolicyTests test it).
            builder.UseSetting("Hub:Targets:AllowedPorts:0", "1-65535");
            builder.UseSetting("Hub:Targets:AllowedNetworks:0", "127.0.0.0/8");
            builder.UseSetting("Hub:Targets:AllowedNetworks:1", "::1");
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            if (Runner is not null)
            {
                services.RemoveAll<IProbeRunner>();
                services.AddSingleton(Runner);
            }

            ExtraServices?.Invoke(services);
        });
    }

    /// <summary>
    /// Stops the hub and removes the data directory it created (not one a test passed in), and with it its PostgreSQL
    /// database. A database of a directory a test passed in stays for the next factory on it (the cluster goes at exit).
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        LeaveDirectory();
        RemoveDataDirectory();
        await DropOwnedDatabaseAsync();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        LeaveDirectory();
        RemoveDataDirectory();
        Task.Run(DropOwnedDatabaseAsync).GetAwaiter().GetResult();
    }

    private void LeaveDirectory()
    {
        if (_countedOnDirectory)
        {
            _countedOnDirectory = false;
            LiveOnDirectory.AddOrUpdate(DataDirectory, 0, (_, n) => Math.Max(0, n - 1));
        }
    }

    /// <summary>The database named in the data directory, or a fresh one, named there for the factories to come.</summary>
    private string DatabaseOfDataDirectory()
    {
        var file = Path.Combine(DataDirectory, PostgresDatabaseFile);
        if (File.Exists(file))
        {
            return File.ReadAllText(file).Trim();
        }

        // ConfigureWebHost is synchronous; the cluster starts once per process, creating a database takes milliseconds.
        var connectionString = Task.Run(async () => await (await PostgresCluster.SharedAsync()).CreateDatabaseAsync("hubtest"))
            .GetAwaiter().GetResult();
        Directory.CreateDirectory(DataDirectory);
        File.WriteAllText(file, connectionString);
        if (_ownsDataDirectory)
        {
            _ownedPostgresDatabase = connectionString;
        }

        return connectionString;
    }

    private async Task DropOwnedDatabaseAsync()
    {
        if (Interlocked.Exchange(ref _ownedPostgresDatabase, null) is not { } connectionString)
        {
            return;
        }

        try
        {
            await (await PostgresCluster.SharedAsync()).DropDatabaseAsync(connectionString);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
        {
            // Best effort: the whole cluster goes when the test process exits.
        }
    }

    private void RemoveDataDirectory()
    {
        try
        {
            if (_ownsDataDirectory && Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}
