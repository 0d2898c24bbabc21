using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Dialog;

/// <summary>Every line of one run, stamped with ms since the run started, passed on to the observer as it happens.</summary>
internal sealed class TranscriptRecorder(TimeProvider timeProvider, IProbeObserver? observer)
{
    /// <summary>
    /// Most body lines recorded, whatever their size: each entry costs some 50 bytes of JSON and one live event,
    /// so thousands of short lines would cost more than their text.
    /// </summary>
    public const int MaxBodyLines = 200;

    private static readonly byte[] CrLf = "\r\n"u8.ToArray();
    private readonly long _started = timeProvider.GetTimestamp();
    private readonly List<TranscriptEntry> _entries = [];
    private readonly Lock _lock = new();

    public TimeProvider TimeProvider => timeProvider;

    public double ElapsedMs => Math.Round(timeProvider.GetElapsedTime(_started).TotalMilliseconds, 1);

    public void Info(string text) => Add(TranscriptDirection.Info, text);

    public void Add(TranscriptDirection direction, string text)
    {
        var entry = new TranscriptEntry(ElapsedMs, direction, text);
        lock (_lock)
        {
            _entries.Add(entry);
        }

        ObserverGuard.Call(() => observer?.OnTranscript(entry));
    }

    /// <summary>
    /// Records the message sent after DATA (<paramref name="lines"/>: dot-stuffed, ending with "."): every header
    /// line, then body lines while they fit in <paramref name="maxBodyBytes"/> (counting their CRLF) and
    /// <see cref="MaxBodyLines"/>; when some did not, one info line saying how many lines and bytes were left out,
    /// with their SHA-256 (each line with its CRLF); then the final ".".
    /// </summary>
    /// <remarks>
    /// The cap is here, not in the hub's storage, because this is the one place every transcript is made (the hub's
    /// built-in agent, remote agents, the agent's probe command). So the live events, the result an agent sends and
    /// spools until acked, and the stored run all hold the same transcript; megabytes of message never travel to the
    /// hub only to be cut there; and the digest is taken from the lines that were sent, which nothing after this
    /// point still has. Lines are digested as they would have been recorded (<paramref name="redact"/>), so a
    /// secret in a short omitted tail cannot be guessed offline from its hash; without one that is the line as sent.
    /// </remarks>
    public void AddMessage(IReadOnlyList<string> lines, Func<string, string> redact, int maxBodyBytes)
    {
        var end = lines.Count > 0 && lines[^1] == "." ? lines.Count - 1 : lines.Count;
        // The blank line that ends the headers is theirs; a message without one is all headers.
        var bodyStart = end;
        for (var i = 0; i < end; i++)
        {
            if (lines[i].Length == 0)
            {
                bodyStart = i + 1;
                break;
            }
        }

        for (var i = 0; i < bodyStart; i++)
        {
            Add(TranscriptDirection.Sent, redact(lines[i]));
        }

        var next = bodyStart;
        for (long recorded = 0; next < end; next++)
        {
            var shown = redact(lines[next]);
            var size = Encoding.UTF8.GetByteCount(shown) + CrLf.Length;
            if (next - bodyStart >= MaxBodyLines || recorded + size > maxBodyBytes)
            {
                break;
            }

            Add(TranscriptDirection.Sent, shown);
            recorded += size;
        }

        if (next < end)
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long omitted = 0;
            for (var i = next; i < end; i++)
            {
                var bytes = Encoding.UTF8.GetBytes(redact(lines[i]));
                sha.AppendData(bytes);
                sha.AppendData(CrLf);
                omitted += bytes.Length + CrLf.Length;
            }

            Info(string.Create(CultureInfo.InvariantCulture,
                $"… {end - next:N0} more message lines ({omitted:N0} bytes) not recorded; SHA-256 of those lines, each with its CRLF: {Convert.ToHexStringLower(sha.GetHashAndReset())}"));
        }

        for (var i = end; i < lines.Count; i++)
        {
            Add(TranscriptDirection.Sent, redact(lines[i]));
        }
    }

    public IReadOnlyList<TranscriptEntry> Snapshot()
    {
        lock (_lock)
        {
            return [.. _entries];
        }
    }
}
