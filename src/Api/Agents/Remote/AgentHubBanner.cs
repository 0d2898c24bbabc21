using SmtpProbeHub.Api.Operations;
using SmtpProbeHub.Api.Security;
namespace SmtpProbeHub.Api.Agents.Remote;

/// <summary>Says at start where agents connect and whether any can (never the tokens themselves).</summary>
internal sealed class AgentHubBanner(IConfiguration configuration, AgentTokens tokens, ILogger<AgentHubBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var url = HubEndpoints.AgentsUrl(configuration);
        if (url is null)
        {
            logger.LogInformation("Remote agents off (Hub:Grpc:Url or Kestrel:Endpoints:Agents:Url is empty)");
        }
        else if (tokens.Count == 0)
        {
            logger.LogWarning("Agent endpoint {GrpcUrl}: no agent token configured (Hub:AgentTokens or Hub:EnrollmentTokens), so every remote agent is refused", url);
        }
        else
        {
            logger.LogInformation("Agent endpoint {GrpcUrl}: {TokenCount} agent token(s) configured", url, tokens.Count);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
