using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace SmtpProbeHub.Api.Security;

/// <summary>
/// Slows down guessing of API keys and agent tokens: each client address may fail
/// <see cref="AuthThrottleOptions.FailuresPerMinute"/> times a minute (a token bucket); after that every attempt from it
/// is answered 429 (REST) or RESOURCE_EXHAUSTED (gRPC) before any key is looked at, until the bucket refills. Valid
/// credentials from a throttled address wait too: the check cannot tell them apart without doing the work it saves.
/// Logs stay bounded: a line per failure while under the limit, one when an address becomes throttled, none while it is.
/// </summary>
internal sealed partial class FailedAuthThrottle(IOptions<AuthThrottleOptions> options, ILogger<FailedAuthThrottle> logger) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(
        client => RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Value.FailuresPerMinute,
            TokensPerPeriod = Math.Max(1, options.Value.FailuresPerMinute / 6),
            ReplenishmentPeriod = TimeSpan.FromSeconds(10),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>True (with when to retry) when <paramref name="client"/> used up its failures; nothing is consumed.</summary>
    public bool IsThrottled(IPAddress? client, out TimeSpan retryAfter)
    {
        var available = _failures.GetStatistics(Key(client))?.CurrentAvailablePermits ?? options.Value.FailuresPerMinute;
        retryAfter = TimeSpan.FromSeconds(10);
        return available <= 0;
    }

    /// <summary>Counts a refused credential from <paramref name="client"/>, logging what is worth a line.</summary>
    public void RecordFailure(IPAddress? client, string credential, string why)
    {
        using var lease = _failures.AttemptAcquire(Key(client));
        if (!lease.IsAcquired)
        {
            return;
        }

        if (_failures.GetStatistics(Key(client))?.CurrentAvailablePermits is 0)
        {
            LogThrottled(Key(client), options.Value.FailuresPerMinute, credential, why);
        }
        else
        {
            LogFailure(Key(client), credential, why);
        }
    }

    public void Dispose() => _failures.Dispose();

    // In-process test hosts have no remote address; they share one bucket, as one client would.
    private static string Key(IPAddress? client) => client is null ? "local" : (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString();

    [LoggerMessage(LogLevel.Warning, "{Credential} refused from {Client}: {Why}")]
    private partial void LogFailure(string client, string credential, string why);

    [LoggerMessage(LogLevel.Warning, "{Credential} refused from {Client}: {Why}; that is {Limit} failures within a minute, so its further attempts are refused unchecked, without a log line each, until it slows down")]
    private partial void LogThrottled(string client, int limit, string credential, string why);
}

/// <summary>Failed-credential limits (section <c>Hub:AuthThrottle</c>).</summary>
public sealed class AuthThrottleOptions
{
    public const string Section = "Hub:AuthThrottle";

    /// <summary>Refused API keys or agent tokens a client address may present per minute before it is throttled.</summary>
    public int FailuresPerMinute { get; set; } = 10;
}

/// <summary>An authentication refused unchecked because its address is throttled: the challenge says when to retry.</summary>
internal sealed class AuthThrottledException(TimeSpan retryAfter) : Exception("too many refused credentials from this address")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
