using SmtpProbeHub.Probe.Model;

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
