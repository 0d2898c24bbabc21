namespace SmtpProbeHub.Api.Problems;

/// <summary>
/// The stable <c>type</c> URIs and <c>code</c>s of the hub's RFC 9457 problems. The URIs identify a
/// problem kind; they are not meant to be fetched.
/// </summary>
public static class ProblemTypes
{
    public const string Base = "https://smtpprobehub.dev/problems/";

    public const string Validation = Base + "validation";
    public const string InvalidJson = Base + "invalid-json";
    public const string NotFound = Base + "not-found";
    public const string NoAgentsMatched = Base + "no-agents-matched";
    public const string TargetNotAllowed = Base + "target-not-allowed";
    public const string AuthThrottled = Base + "auth-throttled";
    public const string StorageUnavailable = Base + "storage-unavailable";
    public const string Unauthorized = Base + "unauthorized";
    public const string Forbidden = Base + "forbidden";
    public const string RateLimited = Base + "rate-limited";
    public const string Internal = Base + "internal";
}
