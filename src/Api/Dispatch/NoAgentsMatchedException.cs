namespace SmtpProbeHub.Api.Dispatch;

/// <summary>The agent selector named no online agent (answered as 422 <c>no_agents_matched</c>).</summary>
public sealed class NoAgentsMatchedException(string message) : Exception(message);

/// <summary>The plan's port or server address is outside an agent's target policy (answered as 422 <c>target_not_allowed</c>).</summary>
public sealed class TargetNotAllowedException(string agentName, string rule) : Exception($"Agent {agentName}: {rule}.")
{
    /// <summary>The rule that refused it, in words.</summary>
    public string Rule { get; } = rule;
}
