using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Operations;

namespace SmtpProbeHub.Api.Storage.Retention;

/// <summary>
/// Deletes old probes with their runs (<see cref="RetentionOptions"/>): at start, then every SweepIntervalMinutes.
/// Deletes go in batches through the storage write queue, so probes being stored wait one batch at most; then the
/// freed pages are given back to the file system. Says one line per sweep that deleted something.
/// </summary>
internal sealed partial class RetentionService(
    IProbeStore store, IOptions<RetentionOptions> options, HubMetrics metrics, TimeProvider time, ILogger<RetentionService> logger) : BackgroundService
{
    private readonly SemaphoreSlim _sweeping = new(1, 1);
    private PeriodicTimer? _timer;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Made here rather than in ExecuteAsync, which runs later on a thread of its own: a clock that moves right
        // after the hub started (a FakeTimeProvider in tests) must not pass the first tick before the timer exists.
        _timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.SweepIntervalMinutes), time);
        return base.StartAsync(cancellationToken);
    }

    /// <summary>One sweep now (also what the timer runs); sweeps never overlap.</summary>
    public async Task<RetentionSweep> SweepAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return new RetentionSweep(0, 0, 0);
        }

        await _sweeping.WaitAsync(cancellationToken);
        try
        {
            DateTimeOffset? createdBefore = settings.MaxAgeDays > 0 ? time.GetUtcNow() - TimeSpan.FromDays(settings.MaxAgeDays) : null;
            int? keepNewest = settings.MaxProbes > 0 ? settings.MaxProbes : null;
            int probes = 0, runs = 0;
            DeletedProbes batch;
            do
            {
                // Each batch is queued behind whatever is waiting to be stored, so probes go first between batches.
                batch = await store.DeleteOldProbesAsync(createdBefore, keepNewest, settings.BatchSize, cancellationToken);
                probes += batch.Probes;
                runs += batch.Runs;
            }
            while (batch.Probes == settings.BatchSize);

            if (probes == 0)
            {
                return new RetentionSweep(0, 0, 0);
            }

            var reclaimed = await store.ReclaimSpaceAsync(cancellationToken);
            metrics.RetentionSwept(probes, runs, reclaimed);
            LogSwept(probes, runs, reclaimed, settings.MaxAgeDays, settings.MaxProbes);
            return new RetentionSweep(probes, runs, reclaimed);
        }
        finally
        {
            _sweeping.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        try
        {
            do
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Storage trouble is the health check's to report; the next sweep tries again.
                    LogSweepFailed(ex);
                }
            }
            while (await _timer!.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The hub is stopping; a batch cut short is rolled back whole.
        }
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        _sweeping.Dispose();
        base.Dispose();
    }

    [LoggerMessage(LogLevel.Information,
        "Retention: deleted {Probes} probe(s) with {Runs} run(s) (older than {MaxAgeDays} days or beyond the newest {MaxProbes}; 0 = no limit), reclaimed {ReclaimedBytes} bytes")]
    private partial void LogSwept(int probes, int runs, long reclaimedBytes, double maxAgeDays, int maxProbes);

    [LoggerMessage(LogLevel.Error, "Retention sweep failed; the next one tries again")]
    private partial void LogSweepFailed(Exception exception);
}

/// <summary>What one retention sweep did.</summary>
/// <param name="Probes">Probes deleted.</param>
/// <param name="Runs">Their runs, deleted with them.</param>
/// <param name="ReclaimedBytes">Database bytes given back to the file system.</param>
internal sealed record RetentionSweep(int Probes, int Runs, long ReclaimedBytes);
