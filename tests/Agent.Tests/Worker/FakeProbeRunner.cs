using SmtpProbeHub.Probe;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Agent.Tests.Worker;

/// <summary>A runner that reports one step and then waits until released or cancelled, like a slow server.</summary>
internal sealed class FakeProbeRunner : IProbeRunner
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<ProbePlan> Plans { get; } = [];

    public bool WaitForRelease { get; init; }

    public void Release() => _release.TrySetResult();

    /// <summary>The target policy each run was given on top of the engine's own (null: none).</summary>
    public List<SmtpProbeHub.Probe.Targets.TargetPolicy?> Targets { get; } = [];

    public async Task<ProbeResult> RunAsync(ProbePlan plan, SmtpProbeHub.Probe.Targets.TargetPolicy? narrowedBy, IProbeObserver? observer, CancellationToken cancellationToken)
    {
        lock (Targets)
        {
            Targets.Add(narrowedBy);
        }

        lock (Plans)
        {
            Plans.Add(plan);
        }

        observer?.OnTranscript(new TranscriptEntry(0, TranscriptDirection.Received, "220 fake ESMTP"));
        observer?.OnStep(new ProbeStep(StepName.Banner, null, StepOutcome.Ok, new SmtpReply(220, null, ["fake ESMTP"]), DateTimeOffset.UnixEpoch, 1));
        if (WaitForRelease)
        {
            await _release.Task.WaitAsync(cancellationToken);
        }

        return new ProbeResult { Verdict = Verdict.Passed, DurationMs = 1 };
    }
}
