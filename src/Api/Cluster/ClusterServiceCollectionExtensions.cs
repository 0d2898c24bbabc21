using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Events;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Api.Storage.Database;

namespace SmtpProbeHub.Api.Cluster;

internal static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// Several replicas on one PostgreSQL: leases, relayed runs, mirrored events, cancels across replicas. Nothing of it
    /// runs for a single hub on SQLite, whose path stays as it was.
    /// </summary>
    public static IServiceCollection AddClusterServices(this IServiceCollection services, IConfiguration configuration)
    {
        var clustered = StorageServiceCollectionExtensions.ProviderOf(configuration) == StorageProvider.Postgres;
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section)
            .Validate(o => !clustered || o.SecretKey is { Length: >= 32 },
                "Hub:Cluster:SecretKey must be set (at least 32 characters, the same on every replica) when Hub:Storage:Provider is postgres.")
            .Validate(o => o.LeaseSeconds >= 2 * o.RenewSeconds && o.RenewSeconds > 0, "Hub:Cluster:LeaseSeconds must be at least twice Hub:Cluster:RenewSeconds (> 0).")
            .Validate(o => o.PollMilliseconds is >= 50 and <= 60_000, "Hub:Cluster:PollMilliseconds must be 50–60000.")
            .ValidateOnStart();
        services.AddSingleton(sp => new ReplicaIdentity(clustered ? sp.GetRequiredService<IOptions<ClusterOptions>>().Value.EffectiveReplicaId : null));
        if (!clustered)
        {
            return services;
        }

        services.AddSingleton<IClusterStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<AssignmentSeal>();
        services.AddSingleton<ClusterSignals>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterSignals>());
        services.AddSingleton<ReplicaLease>();
        services.AddHostedService(sp => sp.GetRequiredService<ReplicaLease>());
        services.AddSingleton<RelayChannel>();
        services.AddSingleton<EventMirror>();
        services.AddHostedService<PresenceSync>();
        services.AddHostedService<RelayWorker>();
        services.AddHostedService<CancelWatcher>();
        services.AddHostedService<MirrorEvents>();
        return services;
    }

    /// <summary>Hooks the event bus to the mirror before the hub takes requests.</summary>
    private sealed class MirrorEvents(ProbeEventBus bus, EventMirror mirror) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            bus.Mirror = mirror.Append;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
