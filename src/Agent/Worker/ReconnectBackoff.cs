using Polly;
using Polly.Retry;

namespace SmtpProbeHub.Agent.Worker;

/// <summary>
/// How long to wait before dialling the hub again: exponential, jittered, never under
/// <see cref="Minimum"/> (so a fleet does not hammer a hub that is down) and never over <see cref="Maximum"/>.
/// </summary>
internal static class ReconnectBackoff
{
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Maximum = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A uniform pick in [max(Minimum, upper/2), upper] with upper = min(Maximum, Minimum·2^(attempt+1)):
    /// every attempt is jittered (agents that lost the same hub spread out), the floor holds from the first.
    /// </summary>
    public static TimeSpan Delay(int attempt, Random random)
    {
        var exponent = Math.Clamp(attempt + 1, 1, 16);
        var upper = Math.Min(Maximum.TotalMilliseconds, Minimum.TotalMilliseconds * Math.Pow(2, exponent));
        var lower = Math.Max(Minimum.TotalMilliseconds, upper / 2);
        return TimeSpan.FromMilliseconds(lower + random.NextDouble() * (upper - lower));
    }

    /// <summary>A Polly pipeline that retries a failed connect forever (until cancelled) with <see cref="Delay"/>.</summary>
    public static ResiliencePipeline Pipeline(TimeProvider time, Random random, Func<OnRetryArguments<object>, ValueTask> onRetry) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                // A failure caused by our own stop is not retried (nor logged as a connect failure).
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex and not OperationCanceledException && !args.Context.CancellationToken.IsCancellationRequested),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Delay(args.AttemptNumber, random)),
                OnRetry = onRetry,
            })
            .Build();
}
