using System.Text;
using MimeKit;
using MimeKit.Utils;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Validation;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>
/// Builds the test message with MimeKit (From, To, Subject, Date, Message-ID, the probe id header, extra
/// headers) and makes it ready for DATA: CRLF line ends, dot-stuffed (RFC 5321 §4.5.2), ended by ".".
/// </summary>
internal static class MessageComposer
{
    public static ComposedMessage Compose(ProbePlan plan, DateTimeOffset now, bool international)
    {
        var domain = Syntax.IsDomain(plan.Helo) ? plan.Helo : "localhost";
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("", plan.From.Length > 0 ? plan.From : $"postmaster@{domain}"));
        foreach (var to in plan.To)
        {
            message.To.Add(new MailboxAddress("", to));
        }

        message.Subject = plan.Message.Subject ?? "";
        message.Date = now;
        message.MessageId = MimeUtils.GenerateMessageId(domain);
        message.Headers.Add(ProbeDefaults.ProbeIdHeader, plan.ProbeId);
        foreach (var (name, value) in plan.Message.Headers ?? new Dictionary<string, string>())
        {
            message.Headers.Add(name, value ?? "");
        }

        message.Body = new TextPart("plain") { Text = plan.Message.Body ?? "" };
        if (!international)
        {
            // Without SMTPUTF8 (and without asking for 8BITMIME) the message must be 7-bit clean.
            message.Prepare(EncodingConstraint.SevenBit);
        }

        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.International = international;
        using var buffer = new MemoryStream();
        message.WriteTo(format, buffer);
        return Stuff(buffer.ToArray(), message.MessageId);
    }

    /// <summary>Dot-stuffs CRLF text and appends the terminating ".".</summary>
    internal static ComposedMessage Stuff(byte[] raw, string? messageId)
    {
        var text = Encoding.UTF8.GetString(raw);
        if (text.EndsWith("\r\n", StringComparison.Ordinal))
        {
            text = text[..^2];
        }

        var lines = text.Split("\r\n").Select(line => line.StartsWith('.') ? "." + line : line).ToList();
        var data = Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n.\r\n");
        lines.Add(".");
        return new ComposedMessage(data, lines, raw.LongLength, messageId);
    }
}

/// <summary>The bytes to send after 354 (already dot-stuffed and terminated), their lines for the transcript, the size for SIZE=.</summary>
internal sealed record ComposedMessage(byte[] Data, IReadOnlyList<string> Lines, long Size, string? MessageId);
