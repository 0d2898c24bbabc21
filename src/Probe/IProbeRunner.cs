using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe;

/// <summary>Runs the KB 153119 sequence for one plan. A probe always ends: every failure becomes a result.</summary>
public interface IProbeRunner
{
    /// <summary>Runs the plan; never throws for network or server failures (only for cancellation by the caller).</summary>
    Task<ProbeResult> RunAsync(ProbePlan plan, IProbeObserver? observer = null, CancellationToken cancellationToken = default);
}
