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
            .Validate(o => o.MaxStoredBodyBytes >= 0, "Hub:Storage:MaxStoredBodyBytes must not be negative.")
            .ValidateOnStart();
        var connectionString = ResolveConnectionString(configuration, environment);
        // Pooled: building a DbContext for every read and write was ~8 % of the hub's CPU per probe (bench/, issue 6).
        services.AddPooledDbContextFactory<HubDbContext>(o => o.UseSqlite(connectionString).AddInterceptors(SqliteSynchronousInterceptor.Instance));
        services.AddSingleton<SqliteProbeStore>();
        services.AddSingleton<IProbeStore>(sp => sp.GetRequiredService<SqliteProbeStore>());
        services.AddSingleton<IAgentIdentityStore>(sp => sp.GetRequiredService<SqliteProbeStore>());
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
    /// content root) + <c>smtpprobehub.db</c>. The directory is created here so a fresh clone just starts.
    /// </summary>
    public static string ResolveConnectionString(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[$"{StorageOptions.Section}:ConnectionString"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var directory = Path.GetFullPath(configuration["Hub:DataDirectory"] is { Length: > 0 } dir ? dir : DefaultDataDirectory, environment.ContentRootPath);
        Directory.CreateDirectory(directory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, "smtpprobehub.db"),
            Pooling = true,
        }.ToString();
    }
}
