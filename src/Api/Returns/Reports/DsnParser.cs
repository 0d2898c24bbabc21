using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace SmtpProbeHub.Api.Returns.Reports;

/// <summary>
/// Reads a DSN with MimeKit: a <c>multipart/report; report-type=delivery-status</c> whose
/// <c>message/delivery-status</c> part holds the per-message fields, then one field group per recipient (RFC 3464 §2).
/// Anything else is not a DSN and is refused.
/// </summary>
internal static class DsnParser
{
    private static readonly string[] Actions = ["failed", "delayed", "delivered", "relayed", "expanded"];

    /// <summary>The parsed report, or the reason it is not one.</summary>
    public static (DsnReport? Report, string? Problem) Parse(ReadOnlySpan<byte> message, Guid runId, DateTimeOffset receivedAt, int maxStoredBytes)
    {
        MimeMessage mime;
        try
        {
            using var stream = new MemoryStream(message.ToArray(), writable: false);
            mime = MimeMessage.Load(stream);
        }
        catch (FormatException ex)
        {
            return (null, $"not a MIME message ({ex.Message})");
        }

        if (mime.Body is not MultipartReport { ReportType: var type } report || !string.Equals(type, "delivery-status", StringComparison.OrdinalIgnoreCase))
        {
            return (null, "not a delivery status notification (multipart/report; report-type=delivery-status)");
        }

        if (report.OfType<MessageDeliveryStatus>().FirstOrDefault() is not { StatusGroups: { Count: >= 2 } groups })
        {
            return (null, "the report has no message/delivery-status part with per-recipient fields");
        }

        var perMessage = groups[0];
        var recipients = new List<DsnRecipient>();
        for (var i = 1; i < groups.Count; i++)
        {
            var fields = groups[i];
            var action = fields["Action"]?.Trim().ToLowerInvariant();
            if (action is null || !Actions.Contains(action))
            {
                return (null, $"recipient {i}: Action is missing or not one of {string.Join(", ", Actions)}");
            }

            recipients.Add(new DsnRecipient(
                Untyped(fields["Final-Recipient"]), Untyped(fields["Original-Recipient"]), action, fields["Status"]?.Trim(),
                Unfolded(fields["Diagnostic-Code"]), Untyped(fields["Remote-MTA"]), Date(fields["Last-Attempt-Date"])));
        }

        var kept = Math.Min(message.Length, maxStoredBytes);
        return (new DsnReport
        {
            RunId = runId,
            ReceivedAt = receivedAt,
            EnvelopeId = perMessage["Original-Envelope-Id"]?.Trim(),
            ReportingMta = Untyped(perMessage["Reporting-MTA"]),
            ArrivalDate = Date(perMessage["Arrival-Date"]),
            Recipients = recipients,
            // Latin-1 keeps every byte as one character, so a cut never splits a character and nothing is lost.
            Raw = Encoding.Latin1.GetString(message[..kept]),
            RawBytes = message.Length,
            RawTruncated = kept < message.Length,
        }, null);
    }

    /// <summary>"rfc822; alice@corp.example" → "alice@corp.example" (RFC 3464 address-type / mta-name-type).</summary>
    private static string? Untyped(string? value)
    {
        if (Unfolded(value) is not { } text)
        {
            return null;
        }

        var semicolon = text.IndexOf(';', StringComparison.Ordinal);
        return semicolon < 0 ? text : text[(semicolon + 1)..].Trim();
    }

    private static string? Unfolded(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : string.Join(' ', value.Split(['\r', '\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));

    private static DateTimeOffset? Date(string? value) =>
        value is not null && DateUtils.TryParse(value.Trim(), out var date) ? date : null;
}
