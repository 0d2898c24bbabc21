using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Monitors.Alerts;

namespace SmtpProbeHub.Api.Monitors.Webhooks;

/// <summary>
/// The outbox's sender. Alerts are stored with one delivery row per webhook in the same write (nothing is lost when
/// the hub stops between deciding and sending); this loop leases due rows (a conditional write, so one hub sends each
/// round), sends each on its own task and records the round: delivered, due again after a backoff, or given up. At least
/// once: a hub that dies mid-round leaves the lease to expire and the round is sent again (same Idempotency-Key).
/// The loop never waits for a receiver: a slow one holds one of <see cref="WebhookOptions.MaxConcurrent"/> slots.
/// </summary>
internal sealed partial class WebhookDeliveryService(
    IMonitorStore store, WebhookSender sender, MonitorMetrics metrics, TimeProvider time, IOptions<MonitorOptions> options, ILogger<WebhookDeliveryService> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0);
    private readonly ConcurrentDictionary<Guid, Task> _inFlight = new();

    /// <summary>New alerts are in the outbox: look now rather than at the next poll.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>Deliveries being sent now.</summary>
    public int InFlight => _inFlight.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SchedulerEnabled)
        {
            return;
        }

        var webhooks = options.Value.Webhooks;
        var poll = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);
        // Long enough for every attempt of a round and its backoff; a hub that dies mid-round frees the row after it.
        var lease = TimeSpan.FromSeconds(webhooks.AttemptsPerRound * (webhooks.AttemptTimeoutSeconds + (webhooks.RetryDelayMilliseconds / 1000.0 * 4)) + 30);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var free = webhooks.MaxConcurrent - _inFlight.Count;
                if (free > 0)
                {
                    var now = time.GetUtcNow();
                    foreach (var work in await store.LeaseDueDeliveriesAsync(now, now + lease, free, stoppingToken))
                    {
                        _inFlight[work.Delivery.Id] = Task.Run(() => DeliverAsync(work, stoppingToken), CancellationToken.None);
                    }
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                await Task.WhenAny(Task.Delay(poll, time, wait.Token), _wake.WaitAsync(wait.Token));
                await wait.CancelAsync();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogPollFailed(ex.Message);
                await Task.Delay(poll, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        await Task.WhenAll(_inFlight.Values).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task DeliverAsync(DeliveryWork work, CancellationToken stoppingToken)
    {
        try
        {
            var round = await sender.SendAsync(work, stoppingToken);
            var delivery = work.Delivery;
            var rounds = delivery.Rounds + 1;
            var now = time.GetUtcNow();
            var webhooks = options.Value.Webhooks;
            var (status, outcome) = round.Outcome switch
            {
                RoundOutcome.Delivered => (WebhookDeliveryStatus.Delivered, "delivered"),
                RoundOutcome.Retry when rounds < webhooks.MaxRounds => (WebhookDeliveryStatus.Pending, "retrying"),
                _ => (WebhookDeliveryStatus.Failed, "failed"),
            };
            var backoff = TimeSpan.FromSeconds(Math.Min(3600, webhooks.RoundBackoffSeconds * Math.Pow(2, rounds - 1)));
            await store.RecordDeliveryAsync(delivery with
            {
                Status = status,
                Rounds = rounds,
                NextAttemptAt = status == WebhookDeliveryStatus.Pending ? now + backoff : delivery.NextAttemptAt,
                DeliveredAt = status == WebhookDeliveryStatus.Delivered ? now : null,
                Attempts = [.. delivery.Attempts, .. round.Attempts],
            }, CancellationToken.None);
            metrics.DeliveryRound(outcome);
            if (status != WebhookDeliveryStatus.Delivered)
            {
                // The URL is the operator's; it carries no secret (credentials in URLs are refused when the monitor is saved).
                LogNotDelivered(delivery.Url, outcome, round.Attempts.LastOrDefault()?.Error ?? $"HTTP {round.Attempts.LastOrDefault()?.StatusCode}");
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The lease expires and the round is sent again.
            LogDeliveryFailed(ex, work.Delivery.Id);
        }
        finally
        {
            _inFlight.TryRemove(work.Delivery.Id, out _);
            Wake();
        }
    }

    [LoggerMessage(LogLevel.Warning, "Webhook {Url}: round not delivered ({Outcome}): {Reason}")]
    private partial void LogNotDelivered(string url, string outcome, string reason);

    [LoggerMessage(LogLevel.Error, "Webhook delivery {DeliveryId} failed")]
    private partial void LogDeliveryFailed(Exception exception, Guid deliveryId);

    [LoggerMessage(LogLevel.Warning, "The webhook outbox's poll failed (it tries again): {Reason}")]
    private partial void LogPollFailed(string reason);
}
