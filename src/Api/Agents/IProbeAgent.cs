using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Targets;

namespace SmtpProbeHub.Api.Agents;

/// <summary>
/// A vantage point that runs probes: the built-in local agent, or a remote agent connected over gRPC.
/// The dispatcher treats every agent the same way: it never gives an agent more concurrent runs than
/// <see cref="Capacity"/>, passes the run's deadline and cancellation, and records what comes back.
/// </summary>
public interface IProbeAgent
{
    /// <summary>Stable id (kept across reconnects for remote agents).</summary>
    string Id { get; }

    /// <summary>Display name, e.g. "hub" or "outside-1".</summary>
    string Name { get; }

    /// <summary>Labels used by selectors, e.g. zone=outside.</summary>
    IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>How many runs the agent accepts at once.</summary>
    int Capacity { get; }

    /// <summary>
    /// Runs one assignment and returns its result. Progress (steps, transcript lines) goes to
    /// <paramref name="progress"/> as it happens. Cancellation of <paramref name="cancellationToken"/>
    /// (deadline or cancel request) must end the run promptly: throw <see cref="OperationCanceledException"/>.
    /// A remote agent that disappears mid-run throws <see cref="AgentLostException"/>.
    /// </summary>
    Task<ProbeResult> RunAsync(RunAssignment assignment, IProbeObserver progress, CancellationToken cancellationToken);
}

/// <summary>
/// An agent that must be told when its result is safely stored: a remote agent keeps each result on its
/// disk until the hub acknowledges it, so the ack must follow the store, never precede it.
/// </summary>
public interface IAcknowledgesResults
{
    /// <summary>The run's end (and result, if any) is in storage.</summary>
    void ResultStored(Guid runId);
}

/// <summary>One run of a probe given to one agent.</summary>
/// <param name="RunId">The run's id: results are keyed (de-duplicated) by it.</param>
/// <param name="ProbeId">The probe the run belongs to.</param>
/// <param name="Plan">The plan, with secrets (AUTH password) still present: it lives only in memory.</param>
/// <param name="Deadline">When the hub gives up on the run (it becomes <c>timedOut</c>).</param>
/// <param name="Targets">The hub's target policy for this agent: the engine checks every address against it before connecting.</param>
public sealed record RunAssignment(Guid RunId, Guid ProbeId, ProbePlan Plan, DateTimeOffset Deadline, TargetPolicy Targets);

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
