using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Agents.Remote;
using SmtpProbeHub.Api.Operations;
using SmtpProbeHub.Api.Security;

namespace SmtpProbeHub.Api.Security;

/// <summary>
/// Who is calling the agents' gRPC service: a known agent token (<c>authorization: Bearer …</c>, compared in constant
/// time by <see cref="AgentTokens"/>) authenticates the call; the agent's own key (<see cref="AgentHubService.AgentKeyHeader"/>)
/// goes with it as a claim, which the <see cref="AccessPolicies.Agent"/> policy requires. Which agent id the
/// credential may speak for needs the stream's hello, so <see cref="AgentHubService"/> decides that. Refusals are
/// counted by <see cref="FailedAuthThrottle"/> and answered as gRPC statuses (UNAUTHENTICATED, PERMISSION_DENIED,
/// RESOURCE_EXHAUSTED once throttled) that say why and never echo a secret.
/// </summary>
internal sealed class AgentAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    AgentTokens tokens,
    FailedAuthThrottle throttle,
    HubMetrics metrics) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "AgentToken";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var client = Context.Connection.RemoteIpAddress;
        if (throttle.IsThrottled(client, out var retryAfter))
        {
            metrics.AuthFailed("agent_token", throttled: true);
            return Task.FromResult(AuthenticateResult.Fail(new AuthThrottledException(retryAfter)));
        }

        string? authorization = Request.Headers.Authorization;
        if (tokens.Verify(authorization) is not { } token)
        {
            metrics.AuthFailed("agent_token", throttled: false);
            throttle.RecordFailure(client, "agent token", authorization is null ? "no bearer token sent" : "unknown or revoked token");
            return Task.FromResult(AuthenticateResult.Fail("unknown or revoked agent token"));
        }

        string? key = Request.Headers[AgentHubService.AgentKeyHeader];
        var principal = AgentCredential.Principal(token, key is { Length: >= 32 and <= 256 } ? Convert.ToHexStringLower(AgentTokens.Digest(key)) : null, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if ((await HandleAuthenticateOnceSafeAsync()).Failure is AuthThrottledException throttled)
        {
            Refuse(StatusCode.ResourceExhausted, $"too many refused agent credentials from this address; retry after {throttled.RetryAfter.TotalSeconds:0} s");
            return;
        }

        Refuse(StatusCode.Unauthenticated, "unknown or revoked agent token");
    }

    // The token is known but no agent key came with it: the only requirement of the policy beyond the token.
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        metrics.AuthFailed("agent_identity", throttled: false);
        throttle.RecordFailure(Context.Connection.RemoteIpAddress, "agent identity",
            $"token '{Context.User.FindFirstValue(AgentCredential.TokenNameClaim)}', no agent key sent (an agent from before agent identities)");
        Refuse(StatusCode.PermissionDenied, $"no agent key ({AgentHubService.AgentKeyHeader}) sent: this agent predates agent identities; upgrade it");
        return Task.CompletedTask;
    }

    /// <summary>A trailers-only gRPC response: the status in the headers and no message, as a refused call looks to any gRPC client.</summary>
    private void Refuse(StatusCode status, string message)
    {
        Response.StatusCode = StatusCodes.Status200OK;
        Response.ContentType = "application/grpc";
        Response.Headers["grpc-status"] = ((int)status).ToString(CultureInfo.InvariantCulture);
        Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }
}

/// <summary>What an authenticated agent call carries: the token that matched and the digest of the agent's own key.</summary>
internal sealed record AgentCredential(AgentToken Token, string KeyDigest)
{
    public const string TokenNameClaim = "smtpprobehub/agent-token";
    public const string TokenKindClaim = "smtpprobehub/agent-token-kind";
    public const string KeyDigestClaim = "smtpprobehub/agent-key-sha256";

    public static ClaimsPrincipal Principal(AgentToken token, string? keyDigest, string scheme)
    {
        var claims = new List<Claim> { new(TokenNameClaim, token.Name), new(TokenKindClaim, token.Kind.ToString()), new(ClaimTypes.Name, token.Name) };
        if (keyDigest is not null)
        {
            claims.Add(new Claim(KeyDigestClaim, keyDigest));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    /// <summary>The credential of a call the <see cref="AccessPolicies.Agent"/> policy let through.</summary>
    public static AgentCredential From(ClaimsPrincipal user) => new(
        new AgentToken(user.FindFirstValue(TokenNameClaim)!, Enum.Parse<AgentTokenKind>(user.FindFirstValue(TokenKindClaim)!)),
        user.FindFirstValue(KeyDigestClaim)!);
}
