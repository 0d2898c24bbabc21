namespace SmtpProbeHub.Api.Security;

/// <summary>API keys and rate limits (section <c>Hub</c>: <c>Hub:ApiKeys:0</c>, env <c>Hub__ApiKeys__0</c>; <c>Hub:RateLimit</c>).</summary>
public sealed class AccessOptions
{
    public const string Section = "Hub";

    /// <summary>Accepted values of the X-Api-Key header. None: only loopback clients are served.</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Per-key (or per client address without keys) token bucket on /api.</summary>
    public RateLimitOptions RateLimit { get; set; } = new();
}

/// <summary>A token bucket: <see cref="Burst"/> requests at once, refilled by <see cref="PerMinute"/> a minute.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests a client may make at once.</summary>
    public int Burst { get; set; } = 60;

    /// <summary>Requests a client may make per minute on average.</summary>
    public int PerMinute { get; set; } = 120;
}
