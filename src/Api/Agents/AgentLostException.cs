namespace SmtpProbeHub.Api.Agents;

/// <summary>Thrown by a remote agent's run when its connection is gone: the run becomes <c>agentLost</c>.</summary>
public sealed class AgentLostException(string message) : Exception(message);

/// <summary>The agent refused an assignment (busy, stopping): the run is queued again, not lost.</summary>
public sealed class AgentRejectedException(string message) : Exception(message);

/// <summary>
/// An agent that keeps running a dialog for a while after the hub cancelled it (a remote agent, until it reports the
/// run ended): the dispatcher holds the run's capacity slot until <see cref="StoppedOnAgent"/> completes.
/// </summary>
public interface IHoldsCapacityUntilStopped
{
    /// <summary>Completes when the agent no longer runs <paramref name="runId"/> (completed at once when it is not running it).</summary>
    Task StoppedOnAgent(Guid runId);
}
