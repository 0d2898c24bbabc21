using System.Collections.Concurrent;
using Polly;

namespace SmtpProbeHub.Probe.Timeouts;

/// <summary>
/// Polly timeout pipelines, one per duration, sharing the engine's TimeProvider so tests can control time.
/// A timeout surfaces as Polly's TimeoutRejectedException, which the step turns into its own "timeout" outcome.
/// </summary>
internal sealed class TimeoutPipelines(TimeProvider timeProvider)
{
    /// <summary>How long a polite QUIT after a failure may take: the probe has already failed, it must not linger.</summary>
    public static readonly TimeSpan PoliteQuit = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<TimeSpan, ResiliencePipeline> _pipelines = new();

    /// <summary>Plans choose their own timeouts; past this many distinct values pipelines are built per use instead of cached.</summary>
    private const int MaxCached = 256;

    public ResiliencePipeline For(TimeSpan timeout)
    {
        if (_pipelines.TryGetValue(timeout, out var cached))
        {
            return cached;
        }

        var pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }.AddTimeout(timeout).Build();
        return _pipelines.Count < MaxCached ? _pipelines.GetOrAdd(timeout, pipeline) : pipeline;
    }

    public ResiliencePipeline ForSeconds(double seconds) => For(TimeSpan.FromSeconds(seconds));
}
