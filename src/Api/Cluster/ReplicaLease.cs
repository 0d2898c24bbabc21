using Microsoft.Extensions.Options;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Cluster;

/// <summary>
/// This replica's lease on its name, and the sweep of replicas that died. The name is claimed at start (before the
/// replica ends what its previous process left unfinished, so it never ends another live process's runs) and renewed
/// every <see cref="ClusterOptions.RenewSeconds"/>. A replica whose lease expired (kill -9, a lost machine) is swept by
/// whichever live replica looks first: its unfinished runs end as <c>agentLost</c> (an agent that kept a result still
/// completes its run when it reconnects anywhere), its probes end, its agents' leases go.
/// </summary>
internal sealed partial class ReplicaLease(
    IClusterStore store, IOptions<ClusterOptions> options, IHostApplicationLifetime lifetime, ILogger<ReplicaLease> logger) : BackgroundService
{
    /// <summary>
    /// Leases are wall-clock facts shared with other processes: always the system clock, never the hub's injectable one
    /// (a test's fake clock jumping a minute would otherwise make every replica look dead to the others).
    /// </summary>
    private static readonly TimeProvider Clock = TimeProvider.System;

    public static readonly Diagnosis ReplicaDied = new(
        "hub.replica_lost",
        "The hub replica running this probe stopped (its lease expired) before the run's result came back.",
        "Run the probe again. If the agent kept a result it completes this run when it reconnects to any replica.");

    /// <summary>Unique per process: tells a restart of this replica from another process using the same name.</summary>
    private readonly string _instanceKey = Guid.NewGuid().ToString("N");

    public string Replica => options.Value.EffectiveReplicaId;

    /// <summary>
    /// Takes the name. A process of the same name that was killed still holds it until its lease runs out, so a restart
    /// waits for that (at most one lease); a name that stays held belongs to a live process, and start-up fails.
    /// </summary>
    public async Task ClaimAsync(CancellationToken cancellationToken)
    {
        var giveUp = Clock.GetUtcNow() + Lease + TimeSpan.FromSeconds(options.Value.RenewSeconds);
        while (true)
        {
            var now = Clock.GetUtcNow();
            if (await store.ClaimReplicaAsync(Replica, _instanceKey, now, now + Lease, cancellationToken))
            {
                LogClaimed(Replica);
                return;
            }

            if (now > giveUp)
            {
                throw new InvalidOperationException(
                    $"Another live hub replica is named '{Replica}' on this database: give each replica its own Hub:Cluster:ReplicaId.");
            }

            LogNameHeld(Replica);
            await Task.Delay(TimeSpan.FromSeconds(options.Value.RenewSeconds), Clock, cancellationToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // A clean stop gives the name back at once; the probes it ended on the way out are already stored.
            await store.ReleaseReplicaAsync(Replica, _instanceKey, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReleaseFailed(ex.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var renew = TimeSpan.FromSeconds(options.Value.RenewSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(renew, Clock, stoppingToken);
                var now = Clock.GetUtcNow();
                if (!await store.RenewReplicaAsync(Replica, _instanceKey, now + Lease, stoppingToken))
                {
                    // Another process took the name after this one stalled past its lease: two replicas must not own the
                    // same probes, so this one stops (its orchestrator restarts it, under a fresh lease).
                    LogLeaseLost(Replica);
                    lifetime.StopApplication();
                    return;
                }

                foreach (var dead in await store.ExpiredReplicasAsync(now, stoppingToken))
                {
                    if (dead != Replica && await store.SweepReplicaAsync(dead, ReplicaDied, now, stoppingToken) is var ended and > 0)
                    {
                        LogSwept(dead, ended);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Storage away for a moment: renewal retries at the next tick, well within the lease.
                LogRenewFailed(ex.Message);
            }
        }
    }

    private TimeSpan Lease => TimeSpan.FromSeconds(options.Value.LeaseSeconds);

    [LoggerMessage(LogLevel.Information, "Hub replica {Replica} holds its lease")]
    private partial void LogClaimed(string replica);

    [LoggerMessage(LogLevel.Warning, "Hub replica name {Replica} is still held (a killed process's lease, or another live replica): waiting for it to expire")]
    private partial void LogNameHeld(string replica);

    [LoggerMessage(LogLevel.Critical, "Hub replica {Replica} lost its lease to another process; stopping")]
    private partial void LogLeaseLost(string replica);

    [LoggerMessage(LogLevel.Warning, "Hub replica {Dead} stopped renewing its lease: {Count} run(s) it left unfinished ended as agentLost")]
    private partial void LogSwept(string dead, int count);

    [LoggerMessage(LogLevel.Warning, "Renewing the replica lease failed ({Reason}); retrying")]
    private partial void LogRenewFailed(string reason);

    [LoggerMessage(LogLevel.Warning, "Giving back the replica lease failed ({Reason}); it expires on its own")]
    private partial void LogReleaseFailed(string reason);
}
