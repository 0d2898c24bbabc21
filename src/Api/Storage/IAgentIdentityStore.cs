namespace SmtpProbeHub.Api.Storage;

/// <summary>
/// Which credential owns which agent id: an id is enrolled once, by one token, with the digest of the agent's own
/// key, and is admitted afterwards only with both. Kept in the database so every hub replica agrees.
/// </summary>
public interface IAgentIdentityStore
{
    /// <summary>Admits or enrolls <paramref name="agentId"/>; the answer says which, or why not.</summary>
    /// <param name="agentId">The id the agent claims.</param>
    /// <param name="tokenName">The configured name of the token it presented.</param>
    /// <param name="pinsOneAgent">True for a per-agent token: it may own one id only.</param>
    /// <param name="keySha256">Hex SHA-256 of the agent key it presented.</param>
    /// <param name="now">Enrolment time.</param>
    /// <param name="cancellationToken">Cancels the wait for storage.</param>
    Task<AgentAdmission> AdmitAsync(string agentId, string tokenName, bool pinsOneAgent, string keySha256, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Refuses the id from now on; false when it was never enrolled.</summary>
    Task<DateTimeOffset?> RevokeAsync(string agentId, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>The answer to a connecting agent: admitted (and whether it was enrolled just now), or refused and why.</summary>
public sealed record AgentAdmission(bool Admitted, bool Enrolled, string? Refusal)
{
    public static AgentAdmission Refuse(string why) => new(false, false, why);
}
