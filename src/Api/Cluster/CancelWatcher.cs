using SmtpProbeHub.Api.Dispatch;

namespace SmtpProbeHub.Api.Cluster;

/// <summary>
/// Cancels the probes this replica runs when another replica was asked to (POST …/cancel went through the load balancer
/// elsewhere): woken by NOTIFY, with the poll as fallback.
/// </summary>
internal sealed partial class CancelWatcher(IClusterStore store, ClusterSignals signals, ProbeDispatcher dispatcher, ReplicaLease lease, ILogger<CancelWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Asked and still running here: cancelled once, not at every poll until they end.
        var cancelled = new HashSet<Guid>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var asked = await store.CancelRequestsAsync(lease.Replica, stoppingToken);
                cancelled.IntersectWith(asked);
                foreach (var probeId in asked.Where(cancelled.Add))
                {
                    if (dispatcher.Cancel(probeId))
                    {
                        LogCancelledForPeer(probeId);
                    }
                }

                await signals.WaitAsync(ClusterChannels.Cancel, ClusterSignals.Any, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogWatchFailed(ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Probe {ProbeId} cancelled at another replica's request")]
    private partial void LogCancelledForPeer(Guid probeId);

    [LoggerMessage(LogLevel.Warning, "Looking for cancels asked on other replicas failed ({Reason}); retrying")]
    private partial void LogWatchFailed(string reason);
}
