using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Operations;
using SmtpProbeHub.Api.Security;

namespace SmtpProbeHub.Api.Agents.Remote;

internal static class AgentHubExtensions
{
    /// <summary>The gRPC endpoint for remote agents: options, tokens, their authentication, the service and Kestrel's endpoints.</summary>
    public static WebApplicationBuilder AddAgentHub(this WebApplicationBuilder builder)
    {
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = 8 * 1024 * 1024);
        builder.Services.AddOptions<AgentHubOptions>().BindConfiguration(AgentHubOptions.Section)
            .Validate(o => o.Url is null || o.Url.Length == 0 || (Uri.TryCreate(o.Url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"),
                "Hub:Grpc:Url must be an http:// or https:// URL, or empty to turn remote agents off.")
            .Validate(o => o.HeartbeatSeconds >= 1 && o.HeartbeatTimeoutSeconds >= 2 * o.HeartbeatSeconds,
                "Hub:Grpc:HeartbeatSeconds must be >= 1 and HeartbeatTimeoutSeconds at least twice it.")
            .Validate(o => o.HelloTimeoutSeconds > 0 && o.KeepAlivePingSeconds >= 1, "Hub:Grpc:HelloTimeoutSeconds and KeepAlivePingSeconds must be positive.")
            .ValidateOnStart();
        builder.Services.AddOptions<AgentTokenOptions>().BindConfiguration(AgentTokenOptions.Section)
            .Validate(o => AgentTokens.DuplicateNames(o).Count == 0, "A token name is used in both Hub:AgentTokens and Hub:EnrollmentTokens: names must be unique.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AgentTokens>();
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AgentAuthenticationHandler>(AgentAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(AccessPolicies.Agent, policy => policy
            .AddAuthenticationSchemes(AgentAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(AgentCredential.KeyDigestClaim));
        builder.Services.AddSingleton<AgentListener>();
        builder.Services.AddHostedService<AgentHubBanner>();
        builder.AddHubEndpoints();
        return builder;
    }

    public static IEndpointRouteBuilder MapAgentHub(this IEndpointRouteBuilder app)
    {
        if (HubEndpoints.AgentsUrl(app.ServiceProvider.GetRequiredService<IConfiguration>()) is null)
        {
            return app;
        }

        // Not tied to the endpoint's port by Host header: behind port forwarding or a proxy agents dial
        // another port. Whatever reaches the service still needs an agent token.
        app.MapGrpcService<AgentHubService>().RequireAuthorization(AccessPolicies.Agent);
        return app;
    }
}
