using System.Globalization;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>Reads the ESMTP keywords of a 250 EHLO reply (RFC 5321 §4.1.1.1): one "KEYWORD params" per line after the first.</summary>
internal static class EhloParser
{
    public static EhloCapabilities Parse(SmtpReply reply)
    {
        var keywords = new List<string>();
        var auth = new List<string>();
        long? size = null;
        var flags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in reply.Lines.Skip(1))
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            // "AUTH=LOGIN PLAIN" is the pre-RFC 4954 form some servers still send.
            var parts = trimmed.Split([' ', '='], 2, StringSplitOptions.RemoveEmptyEntries);
            var keyword = parts[0].ToUpperInvariant();
            var parameters = parts.Length > 1 ? parts[1].Trim() : "";
            keywords.Add(parameters.Length > 0 ? $"{keyword} {parameters}" : keyword);
            flags.Add(keyword);
            if (keyword == "AUTH")
            {
                auth.AddRange(parameters.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(m => m.ToUpperInvariant()).Except(auth));
            }
            else if (keyword == "SIZE")
            {
                size = long.TryParse(parameters, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit : 0;
            }
        }

        var first = reply.Lines.Count > 0 ? reply.Lines[0].Trim() : "";
        return new EhloCapabilities
        {
            ServerName = first.Length > 0 ? first.Split(' ', 2)[0] : null,
            Keywords = keywords,
            Size = size,
            Pipelining = flags.Contains("PIPELINING"),
            StartTls = flags.Contains("STARTTLS"),
            AuthMechanisms = auth,
            Dsn = flags.Contains("DSN"),
            EightBitMime = flags.Contains("8BITMIME"),
            SmtpUtf8 = flags.Contains("SMTPUTF8"),
            EnhancedStatusCodes = flags.Contains("ENHANCEDSTATUSCODES"),
            Chunking = flags.Contains("CHUNKING"),
        };
    }
}
