using System.Runtime.InteropServices;
using System.Text;
using SmtpProbeHub.Probe.Diagnostics;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Dialog;

/// <summary>
/// Reads RFC 5321 §4.2 replies ("250-first", "250 last") from a stream, line by line, within the
/// engine's limits so a hostile server cannot make the probe buffer without bound.
/// </summary>
internal sealed class SmtpReplyReader(Stream stream, ProbeEngineOptions options)
{
    private readonly byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    /// <summary>Bytes read from the stream so far.</summary>
    public long TotalBytesRead { get; private set; }

    /// <summary>True when the server sent bytes beyond the last reply (matters before a TLS upgrade).</summary>
    public bool HasBufferedData => _end > _start;

    /// <summary>Reads one complete reply; <paramref name="onLine"/> sees every raw line as it arrives.</summary>
    public Task<SmtpReply> ReadReplyAsync(Action<string>? onLine, CancellationToken cancellationToken) =>
        ReadReplyAsync(onLine, greeting: false, cancellationToken);

    /// <summary>
    /// Reads one complete reply. With <paramref name="greeting"/> (the first bytes of the session) a peer that does
    /// not start like an SMTP reply is refused as <c>protocol.not_smtp</c> at once, without waiting for a line end,
    /// and <paramref name="onLine"/> sees only a short prefix of what it sent (see <see cref="NonSmtpGreeting"/>).
    /// </summary>
    public async Task<SmtpReply> ReadReplyAsync(Action<string>? onLine, bool greeting, CancellationToken cancellationToken)
    {
        int? code = null;
        var lines = new List<string>();
        while (true)
        {
            string line;
            try
            {
                line = await ReadLineAsync(greeting && code is null, cancellationToken).ConfigureAwait(false);
            }
            catch (SmtpProtocolException e) when (e.Received is { } received)
            {
                onLine?.Invoke(received);
                throw;
            }

            onLine?.Invoke(line);
            if (!ReplyLine.TryParse(line, out var lineCode, out var isLast, out var text))
            {
                throw new SmtpProtocolException(DiagnosisCodes.ProtocolViolation, $"not an SMTP reply line: \"{Shorten(line)}\"");
            }

            if (code is { } first && first != lineCode)
            {
                throw new SmtpProtocolException(DiagnosisCodes.ProtocolViolation, $"reply code changed within a multi-line reply ({first} then {lineCode})");
            }

            code = lineCode;
            lines.Add(text);
            if (isLast)
            {
                return new SmtpReply(lineCode, ReplyLine.EnhancedCode(lineCode, lines[0]), lines);
            }

            if (lines.Count >= options.MaxReplyLines)
            {
                throw new SmtpProtocolException(DiagnosisCodes.ProtocolReplyTooLong, $"reply has more than {options.MaxReplyLines} lines");
            }
        }
    }

    private async Task<string> ReadLineAsync(bool greeting, CancellationToken cancellationToken)
    {
        var line = new List<byte>(128);
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            var take = (lf >= 0 ? lf : _end) - _start;
            if (greeting && line.Count < NonSmtpGreeting.HeadBytes
                && !NonSmtpGreeting.CouldStartAReply([.. line, .. _buffer.AsSpan(_start, Math.Min(NonSmtpGreeting.HeadBytes, _end - _start))]))
            {
                // Judged on the first bytes, before the line-length limit: a binary or line-less peer is named at once.
                throw NonSmtpGreeting.Refuse([.. line, .. _buffer.AsSpan(_start, Math.Min(NonSmtpGreeting.EvidenceBytes, _end - _start))]);
            }

            if (line.Count + take > options.MaxReplyLineBytes)
            {
                throw new SmtpProtocolException(DiagnosisCodes.ProtocolReplyTooLong, $"reply line longer than {options.MaxReplyLineBytes} bytes");
            }

            line.AddRange(_buffer.AsSpan(_start, take));
            if (lf >= 0)
            {
                _start = lf + 1;
                return Decode(line);
            }

            _start = _end = 0;
            var read = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new SmtpProtocolException(DiagnosisCodes.ConnectionClosed, line.Count == 0
                    ? "the server closed the connection"
                    : $"the server closed the connection in the middle of a reply line (\"{Shorten(Decode(line))}\")");
            }

            TotalBytesRead += read;
            if (TotalBytesRead > options.MaxBytesRead)
            {
                throw new SmtpProtocolException(DiagnosisCodes.ProtocolReplyTooLong, $"the server sent more than {options.MaxBytesRead} bytes in all");
            }

            _end = read;
        }
    }

    private static string Decode(List<byte> bytes) => Decode(CollectionsMarshal.AsSpan(bytes));

    /// <summary>A line's bytes as text: the CR before LF dropped, control characters (but TAB) replaced by U+FFFD.</summary>
    internal static string Decode(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes.Length > 0 && bytes[^1] == (byte)'\r' ? bytes[..^1] : bytes);
        // Control characters from a hostile server must not reach terminals or the hub's UI as such.
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsControl(c) && c != '\t' ? '\uFFFD' : c;
            }
        });
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}

/// <summary>
/// The transport or the server broke the protocol (garbage, over-long reply, closed mid-reply).
/// A refusal (4xx/5xx) is never one of these: that is a reply.
/// </summary>
internal sealed class SmtpProtocolException(string diagnosisCode, string message) : Exception(message)
{
    /// <summary>The diagnosis code, e.g. "protocol.violation".</summary>
    public string DiagnosisCode { get; } = diagnosisCode;

    /// <summary>What the peer sent, as the transcript may show it, when the reader did not record it line by line.</summary>
    public string? Received { get; init; }
}
