using System.Text.RegularExpressions;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.TestSupport.Postfix;

/// <summary>Reads a test instance's maillog_file. Postfix writes it asynchronously (postlogd), so the waits poll.</summary>
public sealed partial class PostfixLog(string path)
{
    /// <summary>The log file.</summary>
    public string Path { get; } = path;

    /// <summary>The whole log so far (empty when nothing was written yet).</summary>
    public string Read()
    {
        if (!File.Exists(Path))
        {
            return "";
        }

        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The log's lines so far.</summary>
    public IReadOnlyList<string> ReadLines() => Read().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Waits until a line matches; throws with the log when none does in time.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what) =>
        (await Eventually.ReadAsync(() => Task.FromResult(ReadLines().FirstOrDefault(match)), line => line is not null, timeout,
            explain: () => $"No line in {Path} for {what}. Log:{Environment.NewLine}{Read()}"))!;

    /// <summary>
    /// Waits for the whole session of the client that sent <c>EHLO/HELO <paramref name="helo"/></c> (connect to
    /// disconnect). Postfix logs the HELO name only when the session reached RCPT, so use a unique HELO per test
    /// and let the probe get that far.
    /// </summary>
    public async Task<PostfixSession> WaitForSessionAsync(string helo, TimeSpan timeout)
    {
        var marker = $": {PostfixConfig.HeloMarker}{helo};";
        var heloLine = await WaitForLineAsync(l => l.Contains(marker, StringComparison.Ordinal), timeout, $"HELO {helo}");
        var client = ClientPattern().Match(heloLine) is { Success: true } m
            ? m.Groups["client"].Value
            : throw new InvalidOperationException($"Cannot read the client from: {heloLine}");
        var disconnect = $": disconnect from {client} ";
        await WaitForLineAsync(l => l.Contains(disconnect, StringComparison.Ordinal), timeout, $"the disconnect of {client}");

        // Client ports get reused over a long run: take the session around this HELO line only.
        var lines = ReadLines();
        var at = IndexOf(lines, heloLine);
        var first = at;
        while (first > 0 && !lines[first].Contains($": connect from {client}", StringComparison.Ordinal))
        {
            first--;
        }

        var last = at;
        while (last < lines.Count - 1 && !lines[last].Contains(disconnect, StringComparison.Ordinal))
        {
            last++;
        }

        var session = lines.Skip(first).Take(last - first + 1).Where(l => l.Contains(client, StringComparison.Ordinal)).ToList();
        return new PostfixSession(client, session);
    }

    private static int IndexOf(IReadOnlyList<string> lines, string line)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] == line)
            {
                return i;
            }
        }

        return 0;
    }

    [GeneratedRegex(@"warn: \w+ from (?<client>\S+\[[^\]]+\]:\d+):")]
    private static partial Regex ClientPattern();
}
