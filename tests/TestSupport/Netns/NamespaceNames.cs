using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace SmtpProbeHub.TestSupport.Netns;

/// <summary>
/// Names of one topology's namespaces: <c>sph-{id}-corp</c>, <c>-inet</c>, <c>-rtr</c>, with a random id per
/// topology so parallel test runs and leftovers of crashed runs never collide.
/// </summary>
internal sealed partial record NamespaceNames(string Id)
{
    internal const string Prefix = "sph-";

    public string Corp => $"{Prefix}{Id}-corp";

    public string Internet => $"{Prefix}{Id}-inet";

    public string Router => $"{Prefix}{Id}-rtr";

    public IReadOnlyList<string> All => [Corp, Internet, Router];

    public static NamespaceNames CreateUnique() => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));

    /// <summary>The topology id of a namespace name this class made, or null for any other namespace.</summary>
    public static string? IdOf(string namespaceName) =>
        OwnName().Match(namespaceName) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex("^sph-([0-9a-f]{8})-(corp|inet|rtr)$")]
    private static partial Regex OwnName();
}
