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
/// <remarks>
/// No SMTP smuggling: a bare CR or LF in the body is normalised to CRLF, not refused. A body with Unix or old Mac
/// line ends is ordinary input (a JSON string typed on any system), and the line break it means survives. What must
/// never reach the wire is a bare CR or LF: receivers disagree on whether it ends a line, and smuggling uses that
/// disagreement ("\n.\n", "\r.\r\n") to end DATA early on one side and have the rest read as commands. Header
/// values and the subject cannot carry CR or LF (PlanValidator refuses them; MimeKit folds with CRLF), and
/// <see cref="Stuff"/> normalises again whatever the MIME writer produced, so the guarantee holds at the last step.
/// </remarks>
internal static class MessageComposer
{
    public static ComposedMessage Compose(ProbePlan plan, DateTimeOffset now, bool international)
    {
        var domain = Syntax.IsDomain(plan.Helo) && Syntax.ToAsciiHost(plan.Helo) is { } ascii ? ascii : "localhost";
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

        message.Body = new TextPart("plain") { Text = NormaliseLineEnds(plan.Message.Body ?? "") };
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

    /// <summary>
    /// Every line end as CRLF, wherever it was CRLF, a bare CR or a bare LF, so that only CRLF can reach the wire
    /// and dot-stuffing sees every line a receiver will see.
    /// </summary>
    internal static string NormaliseLineEnds(string text)
    {
        if (text.AsSpan().IndexOfAny('\r', '\n') < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\r':
                    builder.Append("\r\n");
                    if (i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        i++;
                    }

                    break;
                case '\n':
                    builder.Append("\r\n");
                    break;
                default:
                    builder.Append(text[i]);
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Normalises line ends to CRLF, dot-stuffs every line that starts with "." and appends the terminating ".",
    /// so the only CRLF.CRLF in the data is the terminator. <see cref="ComposedMessage.Size"/> counts the unstuffed
    /// message as sent.
    /// </summary>
    internal static ComposedMessage Stuff(byte[] raw, string? messageId)
    {
        var text = NormaliseLineEnds(Encoding.UTF8.GetString(raw));
        if (text.EndsWith("\r\n", StringComparison.Ordinal))
        {
            text = text[..^2];
        }

        var lines = text.Split("\r\n").Select(line => line.StartsWith('.') ? "." + line : line).ToList();
        var data = Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n.\r\n");
        lines.Add(".");
        return new ComposedMessage(data, lines, Encoding.UTF8.GetByteCount(text) + 2, messageId);
    }
}

/// <summary>The bytes to send after 354 (already dot-stuffed and terminated), their lines for the transcript, the size for SIZE=.</summary>
internal sealed record ComposedMessage(byte[] Data, IReadOnlyList<string> Lines, long Size, string? MessageId);
