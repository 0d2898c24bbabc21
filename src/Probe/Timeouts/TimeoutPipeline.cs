using System.Runtime.CompilerServices;
using Polly;
using Polly.Timeout;

namespace SmtpProbeHub.Probe.Timeouts;

/// <summary>
/// The engine's one Polly timeout pipeline. Plans choose their own timeouts, so the duration travels with each call
/// in the <see cref="ResilienceContext"/> and the strategy's <see cref="TimeoutStrategyOptions.TimeoutGenerator"/>
/// reads it there. The pipeline shares the engine's TimeProvider so tests can control time. A timeout surfaces as
/// Polly's <see cref="TimeoutRejectedException"/>, which the step turns into its own "timeout" outcome.
/// Every command of every probe passes here: the async methods use pooled builders, so a call allocates no more
/// than Polly's own ExecuteAsync would.
/// </summary>
internal sealed class TimeoutPipeline
{
    /// <summary>How long a polite QUIT after a failure may take: the probe has already failed, it must not linger.</summary>
    public static readonly TimeSpan PoliteQuit = TimeSpan.FromSeconds(1);

    private static readonly ResiliencePropertyKey<TimeSpan> TimeoutKey = new("SmtpProbeHub.Probe.Timeout");

    private readonly ResiliencePipeline _pipeline;

    public TimeoutPipeline(TimeProvider timeProvider) =>
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddTimeout(new TimeoutStrategyOptions
            {
                // Every call sets the key; without it there would be no timeout (an infinite generated timeout disables the strategy).
                TimeoutGenerator = static args => ValueTask.FromResult(args.Context.Properties.GetValue(TimeoutKey, Timeout.InfiniteTimeSpan)),
            })
            .Build();

    /// <summary>Runs <paramref name="action"/>, canceling it and throwing <see cref="TimeoutRejectedException"/> after <paramref name="timeout"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<T> ExecuteAsync<T>(TimeSpan timeout, Func<CancellationToken, ValueTask<T>> action, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(TimeoutKey, timeout);
        try
        {
            return await _pipeline.ExecuteAsync(
                static (context, action) => action(context.CancellationToken), context, action).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Runs <paramref name="action"/>, canceling it and throwing <see cref="TimeoutRejectedException"/> after <paramref name="timeout"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ExecuteAsync(TimeSpan timeout, Func<CancellationToken, ValueTask> action, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(TimeoutKey, timeout);
        try
        {
            await _pipeline.ExecuteAsync(
                static (context, action) => action(context.CancellationToken), context, action).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
