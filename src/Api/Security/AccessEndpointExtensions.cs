namespace SmtpProbeHub.Api.Security;

internal static class AccessEndpointExtensions
{
    /// <summary>
    /// The REST API's access rules on a route group: an API key (or loopback without keys), the per-client rate limit,
    /// and the access answers they can give documented (missing key, remote client without keys, rate limit).
    /// </summary>
    public static RouteGroupBuilder RequireApiAccess(this RouteGroupBuilder group) => group
        .RequireAuthorization(AccessPolicies.ApiKey)
        .RequireRateLimiting(AccessPolicies.PerClientRateLimit)
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status429TooManyRequests);

    /// <summary>Authentication, authorization and rate limiting, in that order: the rate limit counts per authenticated key.</summary>
    public static IApplicationBuilder UseAccessControl(this IApplicationBuilder app) => app
        .UseAuthentication()
        .UseAuthorization()
        .UseRateLimiter();
}
