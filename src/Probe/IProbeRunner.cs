using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Targets;

namespace SmtpProbeHub.Probe;

/// <summary>Runs the KB 153119 sequence for one plan. A probe always ends: every failure becomes a result.</summary>
public interface IProbeRunner
{
    /// <summary>
    /// Runs the plan; never throws for network or server failures (only for cancellation by the caller).
    /// <paramref name="narrowedBy"/>: a policy the run must also obey (the hub's, for this agent), on top of the engine's own.
    /// </summary>
    Task<ProbeResult> RunAsync(ProbePlan plan, TargetPolicy? narrowedBy, IProbeObserver? observer, CancellationToken cancellationToken);

    /// <summary>Runs the plan under the engine's own target policy only.</summary>
    Task<ProbeResult> RunAsync(ProbePlan plan, IProbeObserver? observer = null, CancellationToken cancellationToken = default) =>
        RunAsync(plan, null, observer, cancellationToken);
}
