using System.Threading.Channels;
using Grpc.Core;
using SmtpProbeHub.Contracts.V1;

namespace SmtpProbeHub.Api.Agents.Remote;

/// <summary>
/// The hub's side of one agent stream. gRPC allows one write at a time on a response stream, so every
/// sender (dispatcher runs, cancels, acks, the welcome) puts messages in one channel that one task drains.
/// </summary>
internal sealed class AgentStream : IAsyncDisposable
{
    private readonly Channel<HubMessage> _outgoing = Channel.CreateUnbounded<HubMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public AgentStream(IServerStreamWriter<HubMessage> response, CancellationToken cancellationToken)
    {
        _writer = Task.Run(async () =>
        {
            await foreach (var message in _outgoing.Reader.ReadAllAsync(cancellationToken))
            {
                await response.WriteAsync(message, cancellationToken);
            }
        }, CancellationToken.None);
    }

    /// <summary>Ends with the writer's failure (the stream broke).</summary>
    public Task Writer => _writer;

    /// <summary>False once the stream is closing: the message will not reach the agent.</summary>
    public bool Send(HubMessage message) => _outgoing.Writer.TryWrite(message);

    /// <summary>Takes no more messages and waits (at most <paramref name="within"/>) until what is queued has been written.</summary>
    public async Task FlushAndCloseAsync(TimeSpan within)
    {
        _outgoing.Writer.TryComplete();
        try
        {
            await _writer.WaitAsync(within);
        }
        catch (Exception)
        {
            // A peer that does not read (frozen, gone) cannot be waited for longer; the stream ends anyway.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _outgoing.Writer.TryComplete();
        try
        {
            // The response stream must not be written after the call returns: wait for the writer.
            await _writer.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // The stream is gone; whatever was not written is re-sent or re-assigned by design.
        }
    }
}
