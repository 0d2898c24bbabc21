using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Dispatch;

public sealed partial class ProbeDispatcher
{
    // Debug: every probe logs its outcome at Information (one line per run, in the run's scope); at thousands
    // of probes a second the console logger is a measurable share of the hub's CPU (bench/, issue 6).
    [LoggerMessage(LogLevel.Debug, "Probe {ProbeId} accepted: {RunCount} run(s) on {Agents}")]
    private partial void LogAccepted(Guid probeId, int runCount, string agents);

    [LoggerMessage(LogLevel.Information, "Probe {ProbeId}: cancel requested")]
    private partial void LogCancel(Guid probeId);

    [LoggerMessage(LogLevel.Information, "Run ended: {Status}, verdict {Verdict}")]
    private partial void LogRunEnded(RunStatus status, Verdict? verdict);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentName} lost during a run: {Reason}")]
    private partial void LogAgentLost(string agentName, string reason);

    [LoggerMessage(LogLevel.Error, "Agent {AgentName} failed while running a probe")]
    private partial void LogAgentFailed(Exception exception, string agentName);

    [LoggerMessage(LogLevel.Error, "Could not record a run's end")]
    private partial void LogStoreFailed(Exception exception);

    [LoggerMessage(LogLevel.Information, "Late result for run {RunId}: stored={Stored}")]
    private partial void LogLateResult(Guid runId, bool stored);

    [LoggerMessage(LogLevel.Information, "Agent {AgentName} refused the assignment ({Reason}): queued again")]
    private partial void LogRejectedRequeued(string agentName, string reason);

    [LoggerMessage(LogLevel.Warning, "Probe {ProbeId} could not be recorded ({Why}): refused, nothing was sent")]
    private partial void LogNotStored(Guid probeId, string why);

    [LoggerMessage(LogLevel.Warning, "The end of run {RunId} could not be stored ({Why}); retrying in {DelaySeconds} s")]
    private partial void LogEndStoreRetry(Guid runId, string why, double delaySeconds);

    [LoggerMessage(LogLevel.Debug, "Result for run {RunId} from agent {AgentId}, which was not assigned that run: not stored")]
    private partial void LogForeignResult(Guid runId, string agentId);
}
