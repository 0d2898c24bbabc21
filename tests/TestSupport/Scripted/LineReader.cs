using System.Text;

namespace SmtpProbeHub.TestSupport.Scripted;

/// <summary>Reads CRLF (or LF) lines as UTF-8, up to 1 MB each; null at end of stream. Every byte read goes to <paramref name="record"/>.</summary>
internal sealed class LineReader(Stream stream, ScriptedConnection? record = null)
{
    private const int MaxLine = 1024 * 1024;
    private readonly byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            var take = (lf >= 0 ? lf : _end) - _start;
            line.AddRange(_buffer.AsSpan(_start, take));
            if (lf >= 0)
            {
                _start = lf + 1;
                var count = line.Count > 0 && line[^1] == (byte)'\r' ? line.Count - 1 : line.Count;
                return Encoding.UTF8.GetString(line.GetRange(0, count).ToArray());
            }

            if (line.Count > MaxLine)
            {
                throw new IOException("line too long");
            }

            _start = _end = 0;
            var read = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            record?.AddBytes(_buffer.AsSpan(0, read));
            _end = read;
        }
    }
}
