using SmtpProbeHub.Api.Monitors.Alerts;
using SmtpProbeHub.Api.Monitors.Scheduling;
using SmtpProbeHub.Api.Monitors.Webhooks;
using SmtpProbeHub.Api.Storage.Database;

namespace SmtpProbeHub.Api.Monitors;

internal static class MonitorServiceCollectionExtensions
{
    /// <summary>Monitors: storage (the probes' store), scheduler, evaluation, webhook outbox and series. After AddStorageServices (the schema first).</summary>
    public static IServiceCollection AddMonitorServices(this IServiceCollection services)
    {
        services.AddOptions<MonitorOptions>().BindConfiguration(MonitorOptions.Section)
            .Validate(o => o.PollMilliseconds is >= 10 and <= 60_000, "Hub:Monitors:PollMilliseconds must be 10–60000.")
            .Validate(o => o.MaxDuePerPoll is >= 1 and <= 100_000, "Hub:Monitors:MaxDuePerPoll must be 1–100000.")
            .Validate(o => o.PublicBaseUrl.Length == 0 || Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out _), "Hub:Monitors:PublicBaseUrl must be an absolute URL.")
            .Validate(o => o.Webhooks.AttemptTimeoutSeconds is > 0 and <= 300, "Hub:Monitors:Webhooks:AttemptTimeoutSeconds must be more than 0 and at most 300.")
            .Validate(o => o.Webhooks.AttemptsPerRound is >= 1 and <= 10, "Hub:Monitors:Webhooks:AttemptsPerRound must be 1–10.")
            .Validate(o => o.Webhooks.RetryDelayMilliseconds is >= 1 and <= 600_000, "Hub:Monitors:Webhooks:RetryDelayMilliseconds must be 1–600000.")
            .Validate(o => o.Webhooks.MaxRounds is >= 1 and <= 100, "Hub:Monitors:Webhooks:MaxRounds must be 1–100.")
            .Validate(o => o.Webhooks.RoundBackoffSeconds is >= 0 and <= 3600, "Hub:Monitors:Webhooks:RoundBackoffSeconds must be 0–3600.")
            .Validate(o => o.Webhooks.MaxConcurrent is >= 1 and <= 1000, "Hub:Monitors:Webhooks:MaxConcurrent must be 1–1000.")
            .Validate(o => Probe.Targets.TargetPolicy.Problems(o.Webhooks.AllowedPorts, null, null).Count == 0, "Hub:Monitors:Webhooks:AllowedPorts has an entry that is not a port or range.")
            .ValidateOnStart();
        services.AddSingleton<IMonitorStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<MonitorMetrics>();
        services.AddSingleton<WebhookPolicy>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDeliveryService>();
        services.AddSingleton<MonitorEvaluation>();
        services.AddSingleton<MonitorScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<MonitorScheduler>());
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDeliveryService>());
        return services;
    }
}
