using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace SmtpProbeHub.Api.AgentHub;

/// <summary>
/// The configured agent tokens, held as SHA-256 digests and compared in constant time (equal-length
/// digests, no early exit), so neither a token nor its length leaks through timing. Tokens are never logged.
/// </summary>
public sealed class AgentTokens(IOptions<AgentTokenOptions> options)
{
    private readonly (string Name, byte[] Digest)[] known =
        [.. options.Value.AgentTokens.Where(t => !string.IsNullOrEmpty(t.Value)).Select(t => (t.Key, Digest(t.Value)))];

    public int Count => known.Length;

    /// <summary>The token's configured name when <paramref name="authorization"/> is <c>Bearer &lt;known token&gt;</c>, else null.</summary>
    public string? Verify(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var digest = Digest(authorization[scheme.Length..].Trim());
        string? name = null;
        foreach (var (tokenName, tokenDigest) in known)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, tokenDigest))
            {
                name ??= tokenName;
            }
        }

        return name;
    }

    private static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
