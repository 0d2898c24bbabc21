using Microsoft.Extensions.Options;
using SmtpProbeHub.Probe;

namespace SmtpProbeHub.Api.Agents.Local;

/// <summary>Registers the built-in agent at start (when enabled) and takes it offline at stop.</summary>
internal sealed class LocalAgentService(
    AgentRegistry registry, IProbeRunner runner, IOptions<LocalAgentOptions> options, ILogger<LocalAgentService> logger) : IHostedService
{
    private AgentRegistration? _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            logger.LogInformation("Built-in agent disabled (Hub:LocalAgent:Enabled=false): probes need remote agents");
            return Task.CompletedTask;
        }

        var version = typeof(LocalAgentService).Assembly.GetName().Version?.ToString();
        _registration = registry.Register(new LocalProbeAgent(runner, options.Value), new AgentConnection(version, null, IsLocal: true));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _registration?.Dispose();
        return Task.CompletedTask;
    }
}
