using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Returns;

/// <summary>
/// The VERP return address of a run, <c>probe+&lt;run id&gt;.&lt;tag&gt;@&lt;return domain&gt;</c>: the tag is an HMAC of
/// the run id under a key only the hub holds (kept in its database), so nobody can make up the return address of a run,
/// and the receiver knows which run a report is for before it reads the report. Lower-case hex only: MTAs may change
/// the case of a local part.
/// </summary>
public sealed class ReturnAddresses(IOptions<ReturnsOptions> options, TimeProvider time)
{
    private const string Prefix = "probe+";
    private const int TagHexLength = 20; // 80 bits
    private byte[]? _key;

    public bool Enabled => options.Value.Enabled && _key is not null;

    /// <summary>
    /// The validation error for a plan that asks to confirm delivery on a hub without a receiver (its runs could only end
    /// <c>noReport</c>); null when it may. One check for a probe and a monitor's template (<paramref name="field"/>).
    /// </summary>
    public IReadOnlyDictionary<string, string[]>? ConfirmRefused(bool confirm, string field) =>
        confirm && !Enabled
            ? new Dictionary<string, string[]> { [field] = ["this hub has no return-path receiver (set Hub:Returns:Domain), so it cannot confirm delivery"] }
            : null;

    public string Domain => options.Value.Domain?.Trim().TrimEnd('.').ToLowerInvariant() ?? "";

    /// <summary>Called once at start with the database's key.</summary>
    internal void UseKey(byte[] key) => _key = key;

    /// <summary>The return address of a run.</summary>
    public string For(Guid runId)
    {
        var id = runId.ToString("n");
        return $"{Prefix}{id}.{Tag(id)}@{Domain}";
    }

    /// <summary>
    /// The plan as one run sends it: with confirm, MAIL FROM is the run's return address, ENVID the run id and RET=HDRS
    /// (the original message's headers are enough to match, and keep the report small). Other plans are unchanged.
    /// </summary>
    public ProbePlan ForRun(ProbePlan plan, Guid runId) => plan.Dsn is { Confirm: true } dsn && Enabled
        ? plan with { Dsn = dsn with { ReturnPath = For(runId), EnvId = runId.ToString(), Ret = DsnRet.Hdrs } }
        : plan;

    /// <summary>The run a recipient address names, when it is a valid return address of a recent run; else null.</summary>
    public Guid? RunOf(string user, string host)
    {
        if (_key is null || !string.Equals(host.TrimEnd('.'), Domain, StringComparison.OrdinalIgnoreCase)
            || !user.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rest = user[Prefix.Length..].ToLowerInvariant();
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        if (dot != 32 || rest.Length != 32 + 1 + TagHexLength || !Guid.TryParseExact(rest[..dot], "n", out var runId))
        {
            return null;
        }

        var expected = Encoding.ASCII.GetBytes(Tag(rest[..dot]));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(rest[(dot + 1)..])))
        {
            return null;
        }

        // Run ids are version-7 GUIDs: their first 48 bits are the creation time in Unix milliseconds.
        var createdMs = long.Parse(rest[..12], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(createdMs);
        return age <= TimeSpan.FromDays(options.Value.AcceptDays) && age >= TimeSpan.FromMinutes(-5) ? runId : null;
    }

    private string Tag(string runIdN) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key!, Encoding.ASCII.GetBytes(runIdN)))[..TagHexLength];
}
