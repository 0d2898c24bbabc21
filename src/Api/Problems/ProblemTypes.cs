namespace SmtpProbeHub.Api.Problems;

/// <summary>
/// The stable <c>type</c> URIs of the hub's RFC 9457 problems. The URIs identify a problem kind; they are not meant
/// to be fetched. Each goes with one <c>code</c> (see <see cref="StatusProblems"/> for the ones a status alone decides).
/// </summary>
public static class ProblemTypes
{
    public const string Base = "https://smtpprobehub.dev/problems/";

    public const string Validation = Base + "validation";
    public const string InvalidJson = Base + "invalid-json";
    public const string BadRequest = Base + "bad-request";
    public const string NotFound = Base + "not-found";
    public const string MethodNotAllowed = Base + "method-not-allowed";
    public const string RequestTimeout = Base + "request-timeout";
    public const string PayloadTooLarge = Base + "payload-too-large";
    public const string UriTooLong = Base + "uri-too-long";
    public const string UnsupportedMediaType = Base + "unsupported-media-type";
    public const string HeadersTooLarge = Base + "headers-too-large";
    public const string NoAgentsMatched = Base + "no-agents-matched";
    public const string TargetNotAllowed = Base + "target-not-allowed";
    public const string AuthThrottled = Base + "auth-throttled";
    public const string StorageUnavailable = Base + "storage-unavailable";
    public const string Unauthorized = Base + "unauthorized";
    public const string Forbidden = Base + "forbidden";
    public const string RateLimited = Base + "rate-limited";
    public const string Internal = Base + "internal";
}
