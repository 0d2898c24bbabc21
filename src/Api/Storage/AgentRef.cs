namespace SmtpProbeHub.Api.Storage;

/// <summary>The agent a run was given to, as it was at the time.</summary>
/// <param name="Id">Agent id.</param>
/// <param name="Name">Agent name, e.g. "hub" for the built-in agent.</param>
/// <param name="Labels">Agent labels, e.g. zone=outside.</param>
public sealed record AgentRef(string Id, string Name, IReadOnlyDictionary<string, string> Labels);
