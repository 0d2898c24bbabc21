using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Agents.Local;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Events;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Probe;

namespace SmtpProbeHub.Api.Agents;

internal static class AgentServiceCollectionExtensions
{
    /// <summary>Registry, dispatcher, event bus and the built-in agent. Remote agents register with <see cref="AgentRegistry"/>.</summary>
    public static IServiceCollection AddAgentServices(this IServiceCollection services)
    {
        services.AddOptions<LocalAgentOptions>().BindConfiguration(LocalAgentOptions.Section)
            .Validate(o => o.Capacity is > 0 and <= 1000, "Hub:LocalAgent:Capacity must be 1–1000.")
            .Validate(o => o.DnsServersValid(), "Hub:LocalAgent:DnsServers must be IP addresses with optional port, e.g. 127.0.0.1:5353.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Id) && !string.IsNullOrWhiteSpace(o.Name), "Hub:LocalAgent:Id and Name are required.")
            .ValidateOnStart();
        services.AddOptions<DispatchOptions>().BindConfiguration(DispatchOptions.Section)
            .Validate(o => o.DeadlineGraceSeconds >= 0, "Hub:Dispatch:DeadlineGraceSeconds must not be negative.")
            .Validate(o => o.QueueTimeoutSeconds is > 0 and <= 86_400, "Hub:Dispatch:QueueTimeoutSeconds must be 1-86400.")
            .ValidateOnStart();
        services.AddOptions<EventsOptions>().BindConfiguration(EventsOptions.Section)
            .Validate(o => o.HeartbeatSeconds > 0, "Hub:Events:HeartbeatSeconds must be positive.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AgentRegistry>();
        services.AddSingleton<ProbeEventBus>();
        // The built-in agent's transcripts keep as much of a message body as the hub stores of it in the plan.
        services.AddSingleton<IProbeRunner>(sp => new ProbeRunner(
            sp.GetRequiredService<IOptions<LocalAgentOptions>>().Value.ToEngineOptions() with
            {
                MaxTranscriptBodyBytes = sp.GetRequiredService<IOptions<StorageOptions>>().Value.MaxStoredBodyBytes,
            },
            sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<LocalAgentService>();

        // Registered after the local agent so it stops first: runs in flight end as interrupted by the
        // stop, not as lost because the built-in agent went away.
        services.AddSingleton<ProbeDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ProbeDispatcher>());
        return services;
    }
}
