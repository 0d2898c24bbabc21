namespace SmtpProbeHub.Api.Agents;

/// <summary>Thrown by a remote agent's run when its connection is gone: the run becomes <c>agentLost</c>.</summary>
public sealed class AgentLostException(string message) : Exception(message);
