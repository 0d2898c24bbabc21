using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace SmtpProbeHub.Api.Security;

/// <summary>
/// The configured API keys, held as SHA-256 digests and compared in constant time (digests have equal
/// length, so not even a key's length leaks). A key is never logged; its identity for rate limiting is
/// a short digest prefix.
/// </summary>
public sealed class ApiKeys(IOptions<AccessOptions> options)
{
    public const string Header = "X-Api-Key";

    private readonly byte[][] _digests = [.. options.Value.ApiKeys.Where(k => !string.IsNullOrEmpty(k)).Select(Digest)];

    public bool Configured => _digests.Length > 0;

    /// <summary>The key's identity (digest prefix) when it is one of the configured keys, else null.</summary>
    public string? Verify(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        var digest = Digest(presented);
        var match = false;
        foreach (var known in _digests)
        {
            // No early exit: the time taken does not depend on which key matched.
            match |= CryptographicOperations.FixedTimeEquals(digest, known);
        }

        return match ? "key-" + Convert.ToHexStringLower(digest)[..12] : null;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
