namespace SmtpProbeHub.Api.Security;

/// <summary>
/// The credentials agents present (section <c>Hub</c>; NAME is what logs and the agent list show, never the token):
/// <list type="bullet">
/// <item><c>Hub:AgentTokens:NAME=TOKEN</c> — a per-agent token: the first agent id that connects with it is pinned to
/// it (with that agent's key), and it admits no other id afterwards.</item>
/// <item><c>Hub:EnrollmentTokens:NAME=TOKEN</c> — a fleet token: each new agent id enrolls once with its own key; an
/// id already enrolled is admitted only with its own key and through the token that enrolled it.</item>
/// </list>
/// Removing an entry refuses every agent that uses it; <c>POST /api/v1/agents/{id}/revoke</c> refuses one agent.
/// </summary>
public sealed class AgentTokenOptions
{
    public const string Section = "Hub";

    /// <summary>Name → per-agent token.</summary>
    public Dictionary<string, string> AgentTokens { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Name → enrolment (fleet) token.</summary>
    public Dictionary<string, string> EnrollmentTokens { get; set; } = new(StringComparer.Ordinal);
}
