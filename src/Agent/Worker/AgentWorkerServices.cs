using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Probe;

namespace SmtpProbeHub.Agent.Worker;

/// <summary>Registers the worker mode: options (validated at start), the spool, the scheduler and the hosted connection.</summary>
internal static class AgentWorkerServices
{
    public static IServiceCollection AddAgentWorker(this IServiceCollection services)
    {
        services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<HubOutbox>();
        services.AddSingleton(sp => new ResultSpool(sp.GetRequiredService<IOptions<AgentOptions>>().Value.DataDirectory, sp.GetRequiredService<ILogger<ResultSpool>>()));
        services.AddSingleton<RunScheduler>();
        services.TryAddSingleton<IProbeRunner>(sp => new ProbeRunner(EngineOptions(sp.GetRequiredService<IOptions<AgentOptions>>().Value), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<AgentWorker>();
        // Leave the worker time to drain: runs in flight plus a few seconds for their acks.
        services.AddOptions<HostOptions>().Configure<IOptions<AgentOptions>>((host, agent) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(agent.Value.DrainSeconds + 15));
        return services;
    }

    /// <summary>The engine settings of this vantage point: DNS servers as "ip" (port 53) or "ip:port", and its own target policy.</summary>
    public static ProbeEngineOptions EngineOptions(AgentOptions options) => new()
    {
        DnsServers = [.. options.DnsServers.Select(s => IPEndPoint.Parse(s) is { Port: 0 } ip ? new IPEndPoint(ip.Address, 53) : IPEndPoint.Parse(s))],
        Targets = options.Targets.ToPolicy(),
    };
}
