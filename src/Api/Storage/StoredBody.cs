using System.Security.Cryptography;
using System.Text;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Storage;

/// <summary>
/// What the hub keeps of a probe's message body. The agents get the whole body; the stored plan keeps at most
/// <see cref="StorageOptions.MaxStoredBodyBytes"/> of it, and always the size and SHA-256 of the whole body as
/// submitted (its UTF-8 bytes), so what was sent stays verifiable after the rest is gone.
/// </summary>
/// <param name="Bytes">Size of the whole body in UTF-8 bytes.</param>
/// <param name="Sha256">SHA-256 of the whole body's UTF-8 bytes, lower-case hex.</param>
/// <param name="Truncated">True when the stored plan holds only the start of the body.</param>
public sealed record StoredBody(long Bytes, string Sha256, bool Truncated)
{
    /// <summary>The body kept whole.</summary>
    public static StoredBody Whole(string? body)
    {
        var bytes = Encoding.UTF8.GetBytes(body ?? "");
        return new StoredBody(bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), false);
    }

    /// <summary>
    /// The plan as the hub keeps it: its body cut to at most <paramref name="maxBytes"/> UTF-8 bytes, at a character
    /// boundary (never half a character), with what was cut recorded in the returned <see cref="StoredBody"/>.
    /// </summary>
    public static (ProbePlan Plan, StoredBody Body) Keep(ProbePlan plan, int maxBytes)
    {
        var bytes = Encoding.UTF8.GetBytes(plan.Message.Body ?? "");
        var digest = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (bytes.Length <= maxBytes)
        {
            return (plan, new StoredBody(bytes.Length, digest, false));
        }

        var cut = maxBytes;
        while (cut > 0 && (bytes[cut] & 0b1100_0000) == 0b1000_0000)
        {
            // A continuation byte: the cut would split a character, so it moves back to the character's start.
            cut--;
        }

        var kept = plan with { Message = plan.Message with { Body = Encoding.UTF8.GetString(bytes, 0, cut) } };
        return (kept, new StoredBody(bytes.Length, digest, true));
    }

    /// <summary>What <paramref name="probe"/> keeps of its body; a record built without it (tests, old rows) holds the body whole.</summary>
    public static StoredBody Of(ProbeRecord probe) => probe.Body ?? Whole(probe.Plan.Message.Body);
}
