using System.Net;
using SmtpProbeHub.Api.Problems;

namespace SmtpProbeHub.Api.Security;

/// <summary>
/// Access to the hub. With API keys configured, every /api request needs a valid X-Api-Key (401
/// otherwise); Swagger UI, health and metrics stay open. With none configured, only loopback clients are
/// served at all (403 otherwise), health excepted.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeys keys, FailedAuthThrottle throttle, Operations.HubMetrics metrics)
{
    public const string KeyIdItem = "SmtpProbeHub.ApiKeyId";

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        // Agents authenticate on the gRPC stream with their own tokens (AgentHub/AgentTokens).
        if (path.StartsWithSegments("/health") || path.StartsWithSegments(AgentHub.AgentHubService.PathPrefix))
        {
            await next(context);
            return;
        }

        if (!keys.Configured)
        {
            if (!IsLoopback(context.Connection.RemoteIpAddress))
            {
                await Problem.Create(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "Only loopback clients are served.",
                    "No API key is configured on this hub, so it serves loopback clients only. Configure Hub:ApiKeys to allow remote clients.",
                    "loopback_only").ExecuteAsync(context);
                return;
            }

            await next(context);
            return;
        }

        if (path.StartsWithSegments("/api"))
        {
            // Before the key is even hashed: an address that keeps failing gets no more answers than "slow down".
            var client = context.Connection.RemoteIpAddress;
            if (throttle.IsThrottled(client, out var retryAfter))
            {
                metrics.AuthFailed("api_key", throttled: true);
                var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problem.Create(StatusCodes.Status429TooManyRequests, ProblemTypes.AuthThrottled, "Too many failed attempts.",
                    $"Too many requests with a wrong or missing API key came from this address; retry after {seconds} s.", "auth_throttled",
                    new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds }).ExecuteAsync(context);
                return;
            }

            var presented = context.Request.Headers[ApiKeys.Header].FirstOrDefault();
            var keyId = keys.Verify(presented);
            if (keyId is null)
            {
                metrics.AuthFailed("api_key", throttled: false);
                throttle.RecordFailure(client, "API key", string.IsNullOrEmpty(presented) ? $"no {ApiKeys.Header} header" : "unknown API key");
                context.Response.Headers.WWWAuthenticate = $"{ApiKeys.Header}";
                await Problem.Create(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthorized, "A valid API key is required.",
                    $"Send the key in the {ApiKeys.Header} header.", "unauthorized").ExecuteAsync(context);
                return;
            }

            context.Items[KeyIdItem] = keyId;
        }

        await next(context);
    }

    // In-process test hosts have no remote address: that is the same machine.
    private static bool IsLoopback(IPAddress? address) => address is null || IPAddress.IsLoopback(address);
}
