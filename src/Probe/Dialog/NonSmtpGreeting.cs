using SmtpProbeHub.Probe.Diagnostics;

namespace SmtpProbeHub.Probe.Dialog;

/// <summary>
/// The first bytes of a session that cannot be an SMTP greeting: another service answers on the port (SSH, POP3,
/// IMAP, a web server, something binary). The probe then says nothing at all to the peer, not even QUIT, and keeps
/// only a short prefix of what it said: enough to recognise the protocol, too little to carry whatever the service
/// tells about itself (host names, versions, internal details) from an agent's network to the hub.
/// </summary>
internal static class NonSmtpGreeting
{
    /// <summary>How many bytes decide: "NNN" then SP, "-" or the line end (RFC 5321 §4.2).</summary>
    public const int HeadBytes = 4;

    /// <summary>At most this many bytes are looked at for the evidence (32 characters of UTF-8 fit in 128).</summary>
    public const int EvidenceBytes = 128;

    /// <summary>The transcript keeps at most this many characters of the peer's first line.</summary>
    public const int ShownCharacters = 32;

    /// <summary>Whether <paramref name="head"/> (the first bytes, possibly fewer than four) can still begin a reply line.</summary>
    public static bool CouldStartAReply(ReadOnlySpan<byte> head)
    {
        for (var i = 0; i < Math.Min(head.Length, HeadBytes); i++)
        {
            var ok = i switch
            {
                0 => head[0] is >= (byte)'2' and <= (byte)'5',
                1 => head[1] is >= (byte)'0' and <= (byte)'5',
                2 => head[2] is >= (byte)'0' and <= (byte)'9',
                _ => head[3] is (byte)' ' or (byte)'-' or (byte)'\r' or (byte)'\n',
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The refusal for a peer whose first bytes are <paramref name="bytes"/>: no server text in its message, a short prefix to record.</summary>
    public static SmtpProtocolException Refuse(ReadOnlySpan<byte> bytes)
    {
        var guess = Guess(bytes);
        var what = guess is null ? "do not start with a reply code" : $"look like {guess}";
        return new SmtpProtocolException(
            DiagnosisCodes.ProtocolNotSmtp,
            $"the server's first bytes are not an SMTP greeting (they {what}); nothing was sent to it")
        {
            Received = Evidence(bytes),
        };
    }

    /// <summary>The first line, cut to <see cref="ShownCharacters"/> characters (with "…" when cut), control characters replaced.</summary>
    public static string Evidence(ReadOnlySpan<byte> bytes)
    {
        var lf = bytes.IndexOf((byte)'\n');
        var cutBytes = lf < 0 && bytes.Length >= EvidenceBytes;
        var text = SmtpReplyReader.Decode(lf >= 0 ? bytes[..lf] : bytes[..Math.Min(bytes.Length, EvidenceBytes)]);
        if (text.Length <= ShownCharacters && !cutBytes)
        {
            return text;
        }

        var keep = Math.Min(text.Length, ShownCharacters);
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return text[..keep] + "…";
    }

    /// <summary>The service a well-known greeting belongs to, or null.</summary>
    private static string? Guess(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith("SSH-"u8))
        {
            return "SSH";
        }

        if (bytes.StartsWith("+OK"u8) || bytes.StartsWith("-ERR"u8))
        {
            return "POP3";
        }

        if (bytes.StartsWith("* OK"u8) || bytes.StartsWith("* PREAUTH"u8) || bytes.StartsWith("* BYE"u8))
        {
            return "IMAP";
        }

        return bytes.StartsWith("HTTP/"u8) ? "HTTP" : null;
    }
}
