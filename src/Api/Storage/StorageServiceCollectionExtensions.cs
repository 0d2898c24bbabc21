using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
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
        var connectionString = ResolveConnectionString(configuration, environment);
        // Pooled: building a DbContext for every read and write was ~8 % of the hub's CPU per probe (bench/, issue 6).
        services.AddPooledDbContextFactory<HubDbContext>(o => o.UseSqlite(connectionString).AddInterceptors(SqliteSynchronousInterceptor.Instance));
        services.AddSingleton(sp => new StorageHealth(
            sp.GetRequiredService<ILogger<StorageHealth>>(), DirectoryOf(connectionString, environment),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value.MinFreeMegabytes));
        services.AddSingleton(sp => new DatabaseFileGuard(connectionString, sp.GetRequiredService<StorageHealth>()));
        services.AddSingleton<SqliteProbeStore>();
        services.AddSingleton<IProbeStore>(sp => sp.GetRequiredService<SqliteProbeStore>());
        services.AddSingleton<IAgentIdentityStore>(sp => sp.GetRequiredService<SqliteProbeStore>());
        services.AddSingleton<Returns.IDeliveryReportStore>(sp => sp.GetRequiredService<SqliteProbeStore>());
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

    /// <summary>
    /// <c>Hub:Storage:ConnectionString</c> when set; else <c>Hub:DataDirectory</c> (default <c>./data</c> under the
    /// content root) + <c>smtpprobehub.db</c>. The directory is made by <see cref="UsabilityProblem"/> at start.
    /// </summary>
    public static string ResolveConnectionString(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[$"{StorageOptions.Section}:ConnectionString"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
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
        var connectionString = ResolveConnectionString(configuration, environment);
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
}
