namespace SmtpProbeHub.Api.Probes;

/// <summary>The agent a run was given to.</summary>
/// <param name="Id">Agent id.</param>
/// <param name="Name">Agent name, e.g. "hub" for the built-in agent.</param>
/// <param name="Labels">Agent labels, e.g. zone=outside.</param>
public sealed record AgentView(string Id, string Name, IReadOnlyDictionary<string, string> Labels);
