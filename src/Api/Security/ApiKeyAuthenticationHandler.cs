using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Operations;
using SmtpProbeHub.Api.Problems;

namespace SmtpProbeHub.Api.Security;

/// <summary>
/// Who is calling the REST API. With API keys configured: a valid X-Api-Key (compared in constant time by
/// <see cref="ApiKeys"/>); a missing or wrong one is counted by <see cref="FailedAuthThrottle"/>, and an address past its
/// limit is refused before any key is looked at. With none configured the hub serves loopback clients only: they are
/// authenticated as such, any other client is not. The challenge answers with the hub's problems: 401 unauthorized,
/// 429 auth_throttled, or 403 loopback_only when the hub has no key at all.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeys keys,
    FailedAuthThrottle throttle,
    HubMetrics metrics) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>The key's identity (a digest prefix, never the key): what the rate limit counts per.</summary>
    public const string KeyIdClaim = "smtpprobehub/api-key-id";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var client = Context.Connection.RemoteIpAddress;
        if (!keys.Configured)
        {
            return Task.FromResult(IsLoopback(client) ? Authenticated(new Claim(ClaimTypes.Name, "loopback")) : AuthenticateResult.NoResult());
        }

        // Before the key is even hashed: an address that keeps failing gets no more answers than "slow down".
        if (throttle.IsThrottled(client, out var retryAfter))
        {
            metrics.AuthFailed("api_key", throttled: true);
            return Task.FromResult(AuthenticateResult.Fail(new AuthThrottledException(retryAfter)));
        }

        var presented = Request.Headers[ApiKeys.Header].FirstOrDefault();
        if (keys.Verify(presented) is not { } keyId)
        {
            metrics.AuthFailed("api_key", throttled: false);
            throttle.RecordFailure(client, "API key", string.IsNullOrEmpty(presented) ? $"no {ApiKeys.Header} header" : "unknown API key");
            return Task.FromResult(AuthenticateResult.Fail("no valid API key"));
        }

        return Task.FromResult(Authenticated(new Claim(KeyIdClaim, keyId), new Claim(ClaimTypes.Name, keyId)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (!keys.Configured)
        {
            await LoopbackOnly().ExecuteAsync(Context);
            return;
        }

        if ((await HandleAuthenticateOnceSafeAsync()).Failure is AuthThrottledException throttled)
        {
            var seconds = (int)Math.Ceiling(throttled.RetryAfter.TotalSeconds);
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await Problem.Create(StatusCodes.Status429TooManyRequests, ProblemTypes.AuthThrottled, "Too many failed attempts.",
                $"Too many requests with a wrong or missing API key came from this address; retry after {seconds} s.", "auth_throttled",
                new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds }).ExecuteAsync(Context);
            return;
        }

        Response.Headers.WWWAuthenticate = ApiKeys.Header;
        await Problem.Create(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthorized, "A valid API key is required.",
            $"Send the key in the {ApiKeys.Header} header.", "unauthorized").ExecuteAsync(Context);
    }

    // A REST client is refused for one reason only once it is known: it is not on this machine and the hub has no key.
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => LoopbackOnly().ExecuteAsync(Context);

    /// <summary>The rule without keys: only this machine is served. In-process test hosts have no remote address: the same machine.</summary>
    public static bool IsLoopback(IPAddress? address) => address is null || IPAddress.IsLoopback(address);

    private static IResult LoopbackOnly() => Problem.Create(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "Only loopback clients are served.",
        "No API key is configured on this hub, so it serves loopback clients only. Configure Hub:ApiKeys to allow remote clients.",
        "loopback_only");

    private static AuthenticateResult Authenticated(params Claim[] claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
}
