using System.Text.Json;

namespace SmtpProbeHub.Api.Tests.Support;

/// <summary>Reads a text/event-stream: events (name + JSON data) and comment lines.</summary>
internal sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream);
    private readonly TaskCompletionSource _firstComment = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<string> Comments { get; } = [];

    /// <summary>Completes when the first comment line (a heartbeat) has been read.</summary>
    public Task FirstComment => _firstComment.Task;

    /// <summary>The next event, or null at the end of the stream.</summary>
    public async Task<(string Type, JsonElement Data)?> NextAsync(CancellationToken cancellationToken)
    {
        string? type = null;
        string? data = null;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith(':'))
            {
                Comments.Add(line);
                _firstComment.TrySetResult();
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
            else if (line.Length == 0 && type is not null)
            {
                return (type, JsonDocument.Parse(data ?? "null").RootElement.Clone());
            }
        }

        return null;
    }

    public async Task<List<(string Type, JsonElement Data)>> ReadToEndAsync(CancellationToken cancellationToken)
    {
        var all = new List<(string, JsonElement)>();
        while (await NextAsync(cancellationToken) is { } item)
        {
            all.Add(item);
        }

        return all;
    }

    public void Dispose() => _reader.Dispose();
}
