using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SmtpProbeHub.Api.Security;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Security;

/// <summary>
/// Every endpoint the hub maps states its access rule: explicitly anonymous (health only), the API-key policy with the
/// per-client rate limit (the REST API), the agent policy (the agents' gRPC service), or the loopback-without-keys
/// policy (metrics, the results page). A route group added without its rule fails here, instead of being open once keys are configured.
/// </summary>
public sealed class AccessPolicyTests
{
    private static readonly string[] Anonymous = ["/health/live", "/health/ready"];
    private static readonly string[] LoopbackWithoutKeys = ["/metrics", "/"];

    [Fact]
    public void EveryEndpoint_IsNamedAnonymous_OrRequiresAnAccessPolicy()
    {
        // The agent hub's factory: its gRPC service is mapped, so its endpoints are enumerated too.
        using var hub = HubFactory.WithRemoteAgents();
        _ = hub.Server;
        var endpoints = hub.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        var problems = new List<string>();
        foreach (var endpoint in endpoints.Where(e => !IsGrpcUnimplemented(e)))
        {
            var pattern = "/" + endpoint.RoutePattern.RawText?.TrimStart('/');
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            var rateLimit = endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
            var grpc = endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is not null;
            var allowed = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
                ? Anonymous.Contains(pattern)
                : grpc
                    ? policies.SequenceEqual([AccessPolicies.Agent])
                    : pattern.StartsWith("/api/", StringComparison.Ordinal)
                        ? policies.SequenceEqual([AccessPolicies.ApiKey]) && rateLimit == AccessPolicies.PerClientRateLimit
                        : (LoopbackWithoutKeys.Contains(pattern) || IsPageAsset(pattern)) && policies.SequenceEqual([AccessPolicies.LoopbackWithoutKeys]);
            if (!allowed)
            {
                problems.Add($"{endpoint.DisplayName} ({pattern}): policies [{string.Join(", ", policies)}], rate limit {rateLimit ?? "none"}");
            }
        }

        Assert.Empty(problems);
        // What the rule is about is there: the REST API, the agents' service, health and metrics.
        Assert.Contains(endpoints, e => e.RoutePattern.RawText!.Contains("api/v1/probes", StringComparison.Ordinal));
        Assert.Contains(endpoints, e => e.RoutePattern.RawText!.Contains("api/v1/agents", StringComparison.Ordinal));
        Assert.Contains(endpoints, e => e.Metadata.GetMetadata<GrpcMethodMetadata>() is not null);
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/metrics");
    }

    /// <summary>The results page's scripts and styles follow the page's rule (Swagger UI's): they hold no data.</summary>
    private static bool IsPageAsset(string pattern) => pattern.StartsWith("/ui/", StringComparison.Ordinal) && !pattern.Contains('{', StringComparison.Ordinal);

    // gRPC's own answers for a method or service that does not exist: nothing behind them but UNIMPLEMENTED, and they
    // follow the fallback policy (loopback only until keys are configured).
    private static bool IsGrpcUnimplemented(RouteEndpoint endpoint) =>
        endpoint.DisplayName?.StartsWith("gRPC - Unimplemented", StringComparison.Ordinal) == true;
}
