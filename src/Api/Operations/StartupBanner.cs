using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SmtpProbeHub.Api.Security;

namespace SmtpProbeHub.Api.Operations;

/// <summary>Says at start where Swagger UI is and how access is set up (never the keys themselves).</summary>
internal sealed class StartupBanner(IServer server, IHostApplicationLifetime lifetime, ApiKeys keys, ILogger<StartupBanner> logger) : IHostedService
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
                logger.LogInformation("Swagger UI: {SwaggerUrl}", address.Replace("://127.0.0.1", "://localhost", StringComparison.Ordinal).TrimEnd('/') + "/swagger");
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
