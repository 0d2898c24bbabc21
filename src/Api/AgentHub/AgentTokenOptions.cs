namespace SmtpProbeHub.Api.AgentHub;

/// <summary>
/// Tokens agents authenticate with: <c>Hub:AgentTokens:NAME=TOKEN</c> (environment <c>Hub__AgentTokens__NAME</c>).
/// One per agent, or one shared by a fleet; NAME is what logs show (never the token). Removing an entry revokes it.
/// </summary>
public sealed class AgentTokenOptions
{
    public const string Section = "Hub";

    /// <summary>Name → token.</summary>
    public Dictionary<string, string> AgentTokens { get; set; } = new(StringComparer.Ordinal);
}
