namespace SmtpProbeHub.Api.Security;

/// <summary>
/// The hub's authorization and rate-limiting policies by name. Every endpoint names one (or is explicitly anonymous);
/// AccessPolicyTests fails for one that does not, so a new route group cannot forget the rule.
/// </summary>
internal static class AccessPolicies
{
    /// <summary>The REST API: a valid X-Api-Key, or a loopback client when the hub has no key.</summary>
    public const string ApiKey = "api-key";

    /// <summary>The agents' gRPC service: a known agent token and the agent's own key (AgentHub/AgentAuthenticationHandler).</summary>
    public const string Agent = "agent";

    /// <summary>
    /// Swagger UI, metrics and anything without an endpoint: open once API keys are configured, loopback clients only
    /// before. Also the fallback policy, so what middleware serves after authorization follows the same rule.
    /// </summary>
    public const string LoopbackWithoutKeys = "loopback-without-keys";

    /// <summary>The per-client token bucket of the REST API (per key, per client address without keys).</summary>
    public const string PerClientRateLimit = "per-client";
}
