using Microsoft.Data.Sqlite;
using Npgsql;
using SmtpProbeHub.Api.Storage.Database;
using SmtpProbeHub.Api.Storage.Retention;
using SmtpProbeHub.Api.Storage.Sqlite;

namespace SmtpProbeHub.Api.Storage;

internal static class StorageServiceCollectionExtensions
{
    /// <summary>The default data directory, relative to the content root.</summary>
    public const string DefaultDataDirectory = "data";

    public static IServiceCollection AddStorageServices(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section)
            .Validate(o => o.MinFreeMegabytes >= 0, "Hub:Storage:MinFreeMegabytes must not be negative.")
            .Validate(o => o.MaxStoredBodyBytes >= 0, "Hub:Storage:MaxStoredBodyBytes must not be negative.")
            .ValidateOnStart();
        var provider = ProviderOf(configuration);
        var connectionString = ResolveConnectionString(configuration, environment);
        var sqlite = provider == StorageProvider.Sqlite;
        services.AddSingleton(sp => new StorageHealth(
            sp.GetRequiredService<ILogger<StorageHealth>>(), sqlite ? DirectoryOf(connectionString, environment) : null,
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value.MinFreeMegabytes));
        services.AddSingleton(_ => new StorageDatabase(provider, connectionString));
        services.AddSingleton(sp => new HubStore(
            sp.GetRequiredService<StorageDatabase>(), sp.GetRequiredService<StorageHealth>(),
            // A file replaced under the hub is a SQLite matter; a PostgreSQL server answers for its own data.
            sqlite ? new DatabaseFileGuard(connectionString, sp.GetRequiredService<StorageHealth>()) : null,
            sp.GetRequiredService<Cluster.ReplicaIdentity>().Name ?? "",
            sp.GetRequiredService<ILogger<HubStore>>()));
        services.AddSingleton<IProbeStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<IAgentIdentityStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<Returns.IDeliveryReportStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddHostedService<StorageStartup>();

        // After StorageStartup: hosted services start in order, so the schema is migrated before the first sweep.
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section)
            .Validate(o => o.MaxAgeDays >= 0, "Hub:Retention:MaxAgeDays must not be negative (0: no age limit).")
            .Validate(o => o.MaxProbes >= 0, "Hub:Retention:MaxProbes must not be negative (0: no count limit).")
            .Validate(o => o.SweepIntervalMinutes is > 0 and <= 7 * 24 * 60, "Hub:Retention:SweepIntervalMinutes must be more than 0 and at most a week (10080).")
            .Validate(o => o.BatchSize is >= 1 and <= 10_000, "Hub:Retention:BatchSize must be 1–10000.")
            .ValidateOnStart();
        services.AddSingleton<RetentionService>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionService>());
        return services;
    }

    /// <summary><c>Hub:Storage:Provider</c>: <c>sqlite</c> (the default) or <c>postgres</c>.</summary>
    public static StorageProvider ProviderOf(IConfiguration configuration) =>
        configuration[$"{StorageOptions.Section}:Provider"] is { Length: > 0 } name
            ? Enum.TryParse<StorageProvider>(name, ignoreCase: true, out var provider) && Enum.IsDefined(provider)
                ? provider
                : throw new InvalidOperationException($"Hub:Storage:Provider is '{name}': use sqlite (the default) or postgres.")
            : StorageProvider.Sqlite;

    /// <summary>
    /// <c>Hub:Storage:ConnectionString</c> when set (required for PostgreSQL); else <c>Hub:DataDirectory</c> (default <c>./data</c> under the
    /// content root) + <c>smtpprobehub.db</c>. The directory is made by <see cref="UsabilityProblem"/> at start.
    /// </summary>
    public static string ResolveConnectionString(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[$"{StorageOptions.Section}:ConnectionString"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        if (ProviderOf(configuration) == StorageProvider.Postgres)
        {
            throw new InvalidOperationException(
                "Hub:Storage:Provider is postgres but Hub:Storage:ConnectionString is empty: set it, e.g. Host=db;Database=smtpprobehub;Username=hub;Password=…");
        }

        var directory = Path.GetFullPath(configuration["Hub:DataDirectory"] is { Length: > 0 } dir ? dir : DefaultDataDirectory, environment.ContentRootPath);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, "smtpprobehub.db"),
            Pooling = true,
        }.ToString();
    }

    /// <summary>The directory of a file database, or null (in memory).</summary>
    private static string? DirectoryOf(string connectionString, IHostEnvironment environment)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return string.IsNullOrEmpty(file) || file.Contains(":memory:", StringComparison.OrdinalIgnoreCase) || file.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            ? null
            : Path.GetDirectoryName(Path.GetFullPath(file, environment.ContentRootPath));
    }

    /// <summary>
    /// Null when the hub can keep its data where it is configured to; else one line naming the path and the reason.
    /// Checked before the hub starts (so a fresh clone just starts: the directory is made here), because a hub that
    /// starts and then cannot write would accept probes it cannot record.
    /// </summary>
    public static string? UsabilityProblem(IConfiguration configuration, IHostEnvironment environment)
    {
        string connectionString;
        try
        {
            if (ProviderOf(configuration) == StorageProvider.Postgres)
            {
                return PostgresProblem(ResolveConnectionString(configuration, environment));
            }

            connectionString = ResolveConnectionString(configuration, environment);
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }

        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var directory = Path.GetDirectoryName(Path.GetFullPath(file, environment.ContentRootPath)) ?? ".";
        try
        {
            Directory.CreateDirectory(directory);
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            // A write lock and a journal file: what every later write needs, without changing anything.
            command.CommandText = "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS startup_check (x); DROP TABLE startup_check; ROLLBACK;";
            command.ExecuteNonQuery();
            return null;
        }
        catch (Exception ex) when (StorageHealth.IsUnavailable(ex))
        {
            return $"Cannot keep the hub's data in {directory} ({file}): {ex.Message.ReplaceLineEndings(" ")} "
                + "Set Hub:DataDirectory (environment Hub__DataDirectory) to a writable directory.";
        }
    }

    /// <summary>Null when the server answers; else why not, without the connection string (it may hold a password).</summary>
    private static string? PostgresProblem(string connectionString)
    {
        try
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            command.ExecuteScalar();
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            var where = TryDescribe(connectionString);
            return $"Cannot use the PostgreSQL database {where}: {ex.Message.ReplaceLineEndings(" ")} Check Hub:Storage:ConnectionString.";
        }
    }

    private static string TryDescribe(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"'{builder.Database}' on {builder.Host}" + (builder.Host?.StartsWith('/') == true ? "" : $":{builder.Port}");
        }
        catch (ArgumentException)
        {
            return "(the connection string does not parse)";
        }
    }
}
