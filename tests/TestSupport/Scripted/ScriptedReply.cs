using System.Text;

namespace SmtpProbeHub.TestSupport.Scripted;

/// <summary>How a scripted server answers one command: normal lines, or one of the hostile behaviours.</summary>
public sealed class ScriptedReply
{
    private ScriptedReply(ScriptedReplyKind kind, byte[] bytes)
    {
        Kind = kind;
        Bytes = bytes;
    }

    /// <summary>What the server does.</summary>
    public ScriptedReplyKind Kind { get; }

    /// <summary>The bytes written (for Send, Trickle and CloseAfter).</summary>
    public byte[] Bytes { get; }

    /// <summary>Wait this long before answering.</summary>
    public TimeSpan Delay { get; private init; }

    /// <summary>For Trickle: the pause between bytes.</summary>
    public TimeSpan PerByte { get; private init; }

    /// <summary>Reply lines, each sent with CRLF, e.g. Lines("250-first", "250 last").</summary>
    public static ScriptedReply Lines(params string[] lines) =>
        new(ScriptedReplyKind.Send, Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\r\n"))));

    /// <summary>Exactly these bytes.</summary>
    public static ScriptedReply Raw(string text) => new(ScriptedReplyKind.Send, Encoding.UTF8.GetBytes(text));

    /// <summary>Exactly these bytes, which need not be text (a binary service on the port).</summary>
    public static ScriptedReply RawBytes(params byte[] bytes) => new(ScriptedReplyKind.Send, [.. bytes]);

    /// <summary>No answer at all; the connection stays open until the client gives up.</summary>
    public static ScriptedReply Never() => new(ScriptedReplyKind.Never, []);

    /// <summary>Close the connection without answering.</summary>
    public static ScriptedReply Close() => new(ScriptedReplyKind.CloseAfter, []);

    /// <summary>Write part of a reply (no line end) and close the connection.</summary>
    public static ScriptedReply CloseMidReply(string partial = "250-scripted.test Hello\r\n250-PIPEL") =>
        new(ScriptedReplyKind.CloseAfter, Encoding.UTF8.GetBytes(partial));

    /// <summary>Send the reply one byte at a time, <paramref name="perByte"/> apart.</summary>
    public static ScriptedReply Trickle(string text, TimeSpan perByte) =>
        new(ScriptedReplyKind.Trickle, Encoding.UTF8.GetBytes(text)) { PerByte = perByte };

    /// <summary>Something that is not SMTP (a web server answering on port 25).</summary>
    public static ScriptedReply Garbage() =>
        Raw("HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n\r\n<html>nope</html>\r\n");

    /// <summary>One reply line of <paramref name="bytes"/> bytes, never-ending for a line-based reader.</summary>
    public static ScriptedReply HugeLine(int bytes = 1024 * 1024) =>
        new(ScriptedReplyKind.Send, Encoding.ASCII.GetBytes("250 " + new string('x', bytes) + "\r\n"));

    /// <summary>The same reply after a delay.</summary>
    public ScriptedReply After(TimeSpan delay) => new(Kind, Bytes) { Delay = delay, PerByte = PerByte };

    /// <summary>The reply's text, for defaults that tests inspect.</summary>
    public override string ToString() => $"{Kind}: {Encoding.UTF8.GetString(Bytes)}";
}

/// <summary>The behaviours a scripted reply can have.</summary>
public enum ScriptedReplyKind
{
    /// <summary>Write the bytes.</summary>
    Send,
    /// <summary>Write the bytes slowly.</summary>
    Trickle,
    /// <summary>Write the bytes, then close.</summary>
    CloseAfter,
    /// <summary>Write nothing, keep the connection open.</summary>
    Never,
}
