namespace SmtpProbeHub.Api.Probes.Comparison;

/// <summary>A run named in a comparison.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="Agent">The agent's name.</param>
/// <param name="Zone">The agent's zone label ("unlabeled" when it has none).</param>
public sealed record RunRef(Guid RunId, string Agent, string Zone);
