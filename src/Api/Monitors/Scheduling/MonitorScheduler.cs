using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Monitors.Alerts;
using SmtpProbeHub.Api.Storage;

namespace SmtpProbeHub.Api.Monitors.Scheduling;

/// <summary>
/// Runs monitors on their schedules. Every poll it reads the monitors whose stored next-due time has come and claims each
/// slot in the database (a conditional UPDATE that also moves the next-due time on): the claim, not memory, decides who
/// fires a slot, so hubs sharing storage, overlapping polls and restarts never fire a slot twice. The next due time is
/// the first slot after now, so after downtime a monitor runs once, not once per missed slot. A claimed slot whose
/// previous probe still runs is skipped and counted. Each fired slot is an ordinary probe, tagged with the monitor.
/// </summary>
internal sealed partial class MonitorScheduler(
    IMonitorStore store,
    ProbeDispatcher dispatcher,
    MonitorEvaluation evaluation,
    MonitorMetrics metrics,
    TimeProvider time,
    IOptions<MonitorOptions> options,
    ILogger<MonitorScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RestoreSeriesAsync(stoppingToken);
        if (!options.Value.SchedulerEnabled)
        {
            return;
        }

        var poll = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(stoppingToken);
                await Task.Delay(poll, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Storage away for a moment: the slots stay due and are claimed at the next poll.
                LogTickFailed(ex.Message);
                await Task.Delay(poll, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// One look for due slots: claims them all (concurrently, so the claims share commits) and fires those it won.
    /// Safe to run concurrently with itself or another hub's: a slot is fired only by the claim that moved it on.
    /// Returns how many slots this call fired.
    /// </summary>
    public async Task<int> TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await store.DueMonitorsAsync(now, options.Value.MaxDuePerPoll, cancellationToken);
        var fired = 0;
        await Task.WhenAll(due.Select(async monitor =>
        {
            var next = monitor.Definition.ParsedSchedule().NextSlotAfter(now, monitor.Id);
            switch (await store.ClaimSlotAsync(monitor.Id, monitor.Slot, next, cancellationToken))
            {
                case SlotClaim.Fire:
                    Interlocked.Increment(ref fired);
                    metrics.SlotFired(time.GetUtcNow() - monitor.Slot);
                    _ = Task.Run(() => FireAsync(monitor), CancellationToken.None);
                    break;
                case SlotClaim.Skip:
                    metrics.SlotSkipped(monitor.Definition.Name);
                    LogSkipped(monitor.Definition.Name, monitor.Slot);
                    break;
            }
        }));
        return fired;
    }

    private async Task FireAsync(DueMonitor monitor)
    {
        var request = monitor.Definition.Probe;
        try
        {
            var (probe, ended) = await dispatcher.SubmitAsync(request.ToPlan(), (request.Agents ?? new()).ToSelector(), CancellationToken.None, monitor.Id);
            await store.SetLastProbeAsync(monitor.Id, probe.Id, CancellationToken.None);
            await evaluation.ProbeEndedAsync(monitor.Id, await ended, CancellationToken.None);
        }
        catch (Exception ex) when (ex is NoAgentsMatchedException or TargetNotAllowedException)
        {
            LogNotRun(monitor.Definition.Name, ex.Message);
            await evaluation.NotRunAsync(monitor.Id, ex.Message, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Storage unavailable or the hub stopping: this slot is lost, the next one runs as usual.
            LogFireFailed(monitor.Definition.Name, ex.Message);
        }
    }

    private async Task RestoreSeriesAsync(CancellationToken cancellationToken)
    {
        try
        {
            var names = new Dictionary<Guid, string>();
            for (var page = 1; ; page++)
            {
                var (items, total) = await store.ListMonitorsAsync(page, 500, cancellationToken);
                foreach (var monitor in items)
                {
                    names[monitor.Id] = monitor.Definition.Name;
                }

                if (items.Count == 0 || page * 500 >= total)
                {
                    break;
                }
            }

            foreach (var group in (await store.VantageStatesAsync(null, cancellationToken)).GroupBy(s => s.MonitorId))
            {
                if (names.TryGetValue(group.Key, out var name))
                {
                    metrics.Update(group.Key, name, group);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogTickFailed(ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Information, "Monitor {Monitor}: slot {Slot:o} skipped, its previous probe is still running")]
    private partial void LogSkipped(string monitor, DateTimeOffset slot);

    [LoggerMessage(LogLevel.Warning, "Monitor {Monitor}: not run: {Reason}")]
    private partial void LogNotRun(string monitor, string reason);

    [LoggerMessage(LogLevel.Error, "Monitor {Monitor}: its slot could not be run: {Reason}")]
    private partial void LogFireFailed(string monitor, string reason);

    // A warning in one line, no stack trace: storage trouble is reported by readiness and the storage log already.
    [LoggerMessage(LogLevel.Warning, "The monitor scheduler's poll failed (it tries again): {Reason}")]
    private partial void LogTickFailed(string reason);
}
