using System.Security.Cryptography;
using System.Text;

namespace SmtpProbeHub.Api.Storage.Database;

internal sealed partial class HubStore : IAgentIdentityStore
{
    public Task<AgentAdmission> AdmitAsync(string agentId, string tokenName, bool pinsOneAgent, string keySha256, DateTimeOffset now, CancellationToken cancellationToken) =>
        // Through the write queue: check and enrol are one step, so two connections racing for a new id cannot both win.
        _writer.Enqueue(async db =>
        {
            var known = await db.QueryAsync<IdentityRow>($"""
                SELECT AgentId, TokenName, KeySha256, RevokedAtMs FROM agent_identities WHERE AgentId = {agentId}
                """, cancellationToken);
            if (known.FirstOrDefault() is { } row)
            {
                return row.RevokedAtMs is { } revoked
                    ? AgentAdmission.Refuse($"agent id {agentId} was revoked at {DateTimeOffset.FromUnixTimeMilliseconds(revoked):u}")
                    : !string.Equals(row.TokenName, tokenName, StringComparison.Ordinal)
                        ? AgentAdmission.Refuse($"agent id {agentId} belongs to another credential (enrolled with token '{row.TokenName}', not '{tokenName}')")
                        : !SameDigest(row.KeySha256, keySha256)
                            ? AgentAdmission.Refuse($"agent id {agentId} is enrolled with another agent key: another installation claims this id (a copied data directory?)")
                            : new AgentAdmission(true, false, null);
            }

            if (pinsOneAgent)
            {
                var pinned = await db.QueryAsync<string>($"""
                    SELECT AgentId AS Value FROM agent_identities WHERE TokenName = {tokenName} LIMIT 1
                    """, cancellationToken);
                if (pinned.Count > 0)
                {
                    return AgentAdmission.Refuse(
                        $"token '{tokenName}' is a per-agent token already pinned to agent {pinned[0]}; give each agent its own token, or configure a fleet token as Hub:EnrollmentTokens:{tokenName}");
                }
            }

            await db.ExecuteAsync($"""
                INSERT INTO agent_identities (AgentId, TokenName, KeySha256, EnrolledAtMs) VALUES ({agentId}, {tokenName}, {keySha256}, {now.ToUnixTimeMilliseconds()})
                """, cancellationToken);
            return new AgentAdmission(true, true, null);
        }, cancellationToken);

    public Task<DateTimeOffset?> RevokeAsync(string agentId, DateTimeOffset now, CancellationToken cancellationToken) =>
        _writer.Enqueue(async db =>
        {
            await db.ExecuteAsync($"""
                UPDATE agent_identities SET RevokedAtMs = {now.ToUnixTimeMilliseconds()} WHERE AgentId = {agentId} AND RevokedAtMs IS NULL
                """, cancellationToken);
            var revoked = await db.QueryAsync<long?>($"""
                SELECT RevokedAtMs AS Value FROM agent_identities WHERE AgentId = {agentId}
                """, cancellationToken);
            return revoked is [{ } ms] ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
        }, cancellationToken);

    private static bool SameDigest(string stored, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(presented));

    private sealed class IdentityRow
    {
        public string AgentId { get; set; } = "";

        public string TokenName { get; set; } = "";

        public string KeySha256 { get; set; } = "";

        public long? RevokedAtMs { get; set; }
    }
}
