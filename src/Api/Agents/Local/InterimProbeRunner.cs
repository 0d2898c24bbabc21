using SmtpProbeHub.Probe;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Agents.Local;

/// <summary>
/// INTERIM until the engine's ProbeRunner lands on main (then this file is deleted): every run fails with
/// the diagnosis <c>hub.engine_unavailable</c>, without any network traffic.
/// </summary>
internal sealed class InterimProbeRunner : IProbeRunner
{
    public Task<ProbeResult> RunAsync(ProbePlan plan, IProbeObserver? observer = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ProbeResult
        {
            Verdict = Verdict.Failed,
            FailedStep = StepName.Resolve,
            Diagnosis = new Diagnosis("hub.engine_unavailable", "This build of the hub has no probe engine yet.", "Update the hub."),
        });
}
