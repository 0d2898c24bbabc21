namespace SmtpProbeHub.Agent.Worker;

/// <summary>The hub answered hello with a welcome that does not accept this agent.</summary>
internal sealed class HubRefusedException(string reason) : Exception(reason);
