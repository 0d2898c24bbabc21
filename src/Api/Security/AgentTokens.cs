using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace SmtpProbeHub.Api.Security;

/// <summary>How many agent ids a token may admit.</summary>
public enum AgentTokenKind
{
    /// <summary>One: the first id that uses it (<c>Hub:AgentTokens</c>).</summary>
    PerAgent,

    /// <summary>Any number of new ids, each enrolled once with its own key (<c>Hub:EnrollmentTokens</c>).</summary>
    Enrollment,
}

/// <summary>A token that matched: its configured name and kind.</summary>
public sealed record AgentToken(string Name, AgentTokenKind Kind);

/// <summary>
/// The configured agent tokens, held as SHA-256 digests and compared in constant time (equal-length
/// digests, no early exit), so neither a token nor its length leaks through timing. Tokens are never logged.
/// </summary>
public sealed class AgentTokens(IOptions<AgentTokenOptions> options)
{
    private readonly (AgentToken Token, byte[] Digest)[] _known =
    [
        .. Configured(options.Value.AgentTokens, AgentTokenKind.PerAgent),
        .. Configured(options.Value.EnrollmentTokens, AgentTokenKind.Enrollment),
    ];

    public int Count => _known.Length;

    /// <summary>The token when <paramref name="authorization"/> is <c>Bearer &lt;known token&gt;</c>, else null.</summary>
    public AgentToken? Verify(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var digest = Digest(authorization[scheme.Length..].Trim());
        AgentToken? match = null;
        foreach (var (token, tokenDigest) in _known)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, tokenDigest))
            {
                match ??= token;
            }
        }

        return match;
    }

    /// <summary>The names used twice across both kinds (a name must say which token it is).</summary>
    public static IReadOnlyList<string> DuplicateNames(AgentTokenOptions options) =>
        [.. options.AgentTokens.Keys.Intersect(options.EnrollmentTokens.Keys, StringComparer.Ordinal)];

    internal static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static IEnumerable<(AgentToken, byte[])> Configured(Dictionary<string, string> tokens, AgentTokenKind kind) =>
        tokens.Where(t => !string.IsNullOrEmpty(t.Value)).Select(t => (new AgentToken(t.Key, kind), Digest(t.Value)));
}
