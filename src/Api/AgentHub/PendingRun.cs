using SmtpProbeHub.Contracts.V1;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.AgentHub;

/// <summary>A run assigned to a remote agent and not ended yet: where its progress goes and how its end arrives.</summary>
internal sealed class PendingRun(IProbeObserver progress)
{
    public IProbeObserver Progress { get; } = progress;

    public TaskCompletionSource<RunResult> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
