using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Storage;

/// <summary>
/// Runs before the hub takes requests (hosted services start before Kestrel accepts): migrates the
/// schema, then ends every run a previous hub process left unfinished as <c>agentLost</c> with the
/// diagnosis <c>hub.restarted</c>, so nothing stays <c>running</c> forever.
/// </summary>
internal sealed class StorageStartup(IProbeStore store, TimeProvider time, IServiceProvider services, ILogger<StorageStartup> logger) : IHostedService
{
    public static readonly Diagnosis Interrupted = new(
        "hub.restarted",
        "The hub stopped while this run was in flight; no result was received.",
        "Run the probe again. If the agent kept a result it may still arrive and complete this run.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken);
        if (services.GetService<Cluster.ReplicaLease>() is { } lease)
        {
            // Several replicas: this one's name first, so it never ends the runs of another live process of the same name.
            await lease.ClaimAsync(cancellationToken);
        }

        var interrupted = await store.InterruptUnfinishedAsync(Interrupted, time.GetUtcNow(), cancellationToken);
        if (interrupted > 0)
        {
            logger.LogWarning("{Count} run(s) were in flight when the hub last stopped: ended as agentLost (hub.restarted)", interrupted);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
