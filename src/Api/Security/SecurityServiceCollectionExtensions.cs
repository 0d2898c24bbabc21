using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Problems;

namespace SmtpProbeHub.Api.Security;

internal static class SecurityServiceCollectionExtensions
{
    public static IServiceCollection AddSecurityServices(this IServiceCollection services)
    {
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.Section)
            .Validate(o => o.RateLimit.Burst > 0 && o.RateLimit.PerMinute > 0, "Hub:RateLimit:Burst and PerMinute must be positive.")
            .ValidateOnStart();
        services.AddSingleton<ApiKeys>();
        services.AddOptions<TargetPolicyOptions>().BindConfiguration(TargetPolicyOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TargetPolicyOptions>, TargetPolicyOptionsValidator>();
        services.AddSingleton<HubTargetPolicies>();
        services.AddForwardedClients();
        services.AddOptions<AuthThrottleOptions>().BindConfiguration(AuthThrottleOptions.Section)
            .Validate(o => o.FailuresPerMinute is > 0 and <= 100_000, "Hub:AuthThrottle:FailuresPerMinute must be 1-100000.")
            .ValidateOnStart();
        services.AddSingleton<FailedAuthThrottle>();
        services.AddAuthentication(authentication =>
            {
                // Policies that name no scheme (the fallback) challenge and forbid with the REST API's problems.
                authentication.DefaultChallengeScheme = ApiKeyAuthenticationHandler.SchemeName;
                authentication.DefaultForbidScheme = ApiKeyAuthenticationHandler.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        var loopbackWithoutKeys = new AuthorizationPolicyBuilder().RequireAssertion(ServedWithoutKey).Build();
        services.AddAuthorizationBuilder()
            .AddPolicy(AccessPolicies.ApiKey, policy => policy.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser())
            .AddPolicy(AccessPolicies.LoopbackWithoutKeys, loopbackWithoutKeys)
            .SetFallbackPolicy(loopbackWithoutKeys);
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(AccessPolicies.PerClientRateLimit, context =>
            {
                var rate = context.RequestServices.GetRequiredService<IOptions<AccessOptions>>().Value.RateLimit;
                var client = context.User.FindFirst(ApiKeyAuthenticationHandler.KeyIdClaim)?.Value ?? "ip-" + context.Connection.RemoteIpAddress;
                return RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = rate.Burst,
                    TokensPerPeriod = Math.Max(1, rate.PerMinute / 6),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(10),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(10);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problem.Create(StatusCodes.Status429TooManyRequests, ProblemTypes.RateLimited, "Too many requests.",
                    $"Rate limit reached for this client; retry after {seconds} s.", "rate_limited",
                    new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds }).ExecuteAsync(rejected.HttpContext);
            };
        });
        return services;
    }

    private static bool ServedWithoutKey(AuthorizationHandlerContext context) =>
        context.Resource is HttpContext http
        && (http.RequestServices.GetRequiredService<ApiKeys>().Configured || ApiKeyAuthenticationHandler.IsLoopback(http.Connection.RemoteIpAddress));
}

/// <summary>Names every Hub:Targets entry that does not parse, at start.</summary>
internal sealed class TargetPolicyOptionsValidator : IValidateOptions<TargetPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, TargetPolicyOptions options) =>
        options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
