namespace SmtpProbeHub.Api.Agents;

/// <summary>How the hub sees an agent's connection (for GET /api/v1/agents).</summary>
/// <param name="Version">The agent's software version.</param>
/// <param name="RemoteAddress">The address the connection came from, or null for the built-in agent.</param>
/// <param name="IsLocal">True for the hub's built-in agent.</param>
/// <param name="Credential">The configured name of the token it connected with (null for the built-in agent).</param>
public sealed record AgentConnection(string? Version, string? RemoteAddress, bool IsLocal = false, string? Credential = null);
