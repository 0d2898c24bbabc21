using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Monitors.Webhooks;
using SmtpProbeHub.Api.Storage;

namespace SmtpProbeHub.Api.Monitors.Alerts;

/// <summary>
/// After a monitor's probe ends: its vantage states and alerts are decided and stored in one write (with the outbox
/// rows for the webhooks), the series updated, and the outbox woken.
/// </summary>
internal sealed partial class MonitorEvaluation(
    IMonitorStore store, MonitorMetrics metrics, WebhookDeliveryService outbox, TimeProvider time, IOptions<MonitorOptions> options, ILogger<MonitorEvaluation> logger)
{
    public Task ProbeEndedAsync(Guid monitorId, ProbeRecord probe, CancellationToken cancellationToken) =>
        ApplyAsync(monitorId, (monitor, states) => MonitorEvaluator.Evaluate(monitor, states, probe, time.GetUtcNow(), options.Value.PublicBaseUrl), cancellationToken);

    /// <summary>No probe could be made (no agent matched, the target refused): the monitor's vantage points are unknown.</summary>
    public Task NotRunAsync(Guid monitorId, string reason, CancellationToken cancellationToken) =>
        ApplyAsync(monitorId, (_, states) => MonitorEvaluator.NotRun(states, reason, time.GetUtcNow()), cancellationToken);

    private async Task ApplyAsync(Guid monitorId, Func<MonitorRecord, IReadOnlyList<VantageState>, Evaluation> evaluate, CancellationToken cancellationToken)
    {
        string? name = null;
        var evaluation = await store.EvaluateAsync(monitorId, (monitor, states) =>
        {
            name = monitor.Definition.Name;
            return evaluate(monitor, states);
        }, cancellationToken);
        if (evaluation is null || name is null)
        {
            return;
        }

        metrics.Update(monitorId, name, evaluation.States);
        foreach (var alert in evaluation.Alerts)
        {
            LogAlert(alert.Kind, alert.Payload.Summary);
        }

        if (evaluation.Alerts.Count > 0)
        {
            outbox.Wake();
        }
    }

    [LoggerMessage(LogLevel.Warning, "Monitor alert {Kind}: {Summary}")]
    private partial void LogAlert(AlertKind kind, string summary);
}
