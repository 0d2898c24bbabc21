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

    public ResiliencePipeline For(TimeSpan timeout) =>
        _pipelines.GetOrAdd(timeout, t => new ResiliencePipelineBuilder { TimeProvider = timeProvider }.AddTimeout(t).Build());

    public ResiliencePipeline ForSeconds(double seconds) => For(TimeSpan.FromSeconds(seconds));
}
