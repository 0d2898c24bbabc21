using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SmtpProbeHub.Api.Security;

namespace SmtpProbeHub.Api.Operations;

/// <summary>Says at start where the results page and Swagger UI are and how access is set up (never the keys themselves).</summary>
internal sealed class StartupBanner(
    IServer server, IHostApplicationLifetime lifetime, ApiKeys keys, AgentListener agents, ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!keys.Configured)
        {
            logger.LogWarning("No API key configured (Hub:ApiKeys): serving loopback clients only");
        }
        else
        {
            logger.LogInformation("API keys configured: /api requires the X-Api-Key header");
        }

        lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            {
                if (IsAgentEndpoint(address))
                {
                    logger.LogInformation("Agent endpoint (gRPC): {AgentUrl}", address);
                    continue;
                }

                var root = address.Replace("://127.0.0.1", "://localhost", StringComparison.Ordinal).TrimEnd('/');
                logger.LogInformation("Results page: {PageUrl}", root + "/");
                logger.LogInformation("Swagger UI: {SwaggerUrl}", root + "/swagger");
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The agents' gRPC endpoint speaks only HTTP/2 without TLS: a browser pointed at it gets nothing. Compared by the
    // bound port, so a configured port 0 (tests) is told apart too.
    private bool IsAgentEndpoint(string address) =>
        agents.Port is { } port && Uri.TryCreate(address, UriKind.Absolute, out var bound) && bound.Port == port;
}
