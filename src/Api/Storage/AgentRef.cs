namespace SmtpProbeHub.Api.Storage;

/// <summary>The agent a run was given to, as it was at the time.</summary>
/// <param name="Id">Agent id.</param>
/// <param name="Name">Agent name.</param>
/// <param name="Labels">Agent labels.</param>
public sealed record AgentRef(string Id, string Name, IReadOnlyDictionary<string, string> Labels);
