using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Dispatch;

/// <summary>The hub's diagnoses for runs that ended without a result from their agent.</summary>
internal static class RunDiagnoses
{
    public static readonly Diagnosis Canceled = new("run.canceled", "A client cancelled the probe.", "Run it again when needed.");

    public static readonly Diagnosis TimedOut = new(
        "run.timed_out", "The agent returned no result before the run's deadline.",
        "The agent may be overloaded or its link to the hub slow; check the agent's logs, or raise timeouts.totalSeconds.");

    public static readonly Diagnosis AgentLost = new(
        "agent.lost", "The agent disconnected before returning a result.", "Check that the agent is running and can reach the hub.");

    public static readonly Diagnosis HubStopping = new(
        "hub.restarted", "The hub stopped while this run was in flight.", "Run the probe again.");

    public static Diagnosis QueueTimedOut(double seconds) => new(
        "run.queue_timed_out", $"The run waited {seconds:0.#} s for a free slot on its agent and never started; nothing was sent.",
        "The agent is busy with other probes: run fewer at once, raise the agent's capacity (Agent:Capacity), or Hub:Dispatch:QueueTimeoutSeconds.");

    public static Diagnosis AgentFailed(string agentName) => new(
        "agent.error", $"Agent {agentName} failed while running the probe.", "See the hub's log for the error.");
}
