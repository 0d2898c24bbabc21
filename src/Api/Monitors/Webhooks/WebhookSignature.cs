using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SmtpProbeHub.Api.Monitors.Webhooks;

/// <summary>
/// The webhook signature: HMAC-SHA256 with the webhook's secret over "{timestamp}.{body}", sent as
/// X-SmtpProbeHub-Signature: sha256={lower-case hex}. The timestamp (Unix seconds, X-SmtpProbeHub-Timestamp) is signed
/// with the body, so a receiver that refuses old timestamps cannot be fed a captured request again.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-SmtpProbeHub-Signature";
    public const string TimestampHeader = "X-SmtpProbeHub-Timestamp";
    public const string DeliveryHeader = "X-SmtpProbeHub-Delivery";
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>The header value for <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, long timestamp, byte[] body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), prefix.Concat(body).ToArray());
        return "sha256=" + Convert.ToHexStringLower(hash);
    }

    /// <summary>What a receiver does: recompute and compare in constant time.</summary>
    public static bool Verify(string secret, string? timestamp, byte[] body, string? signature) =>
        long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ts) && signature is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, ts, body)), Encoding.ASCII.GetBytes(signature));
}
