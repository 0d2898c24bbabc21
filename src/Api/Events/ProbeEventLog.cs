using System.Threading.Channels;

namespace SmtpProbeHub.Api.Events;

/// <summary>
/// The events of one live probe: kept in order so a late subscriber first gets everything that already
/// happened (replay) and then each new event (live), with nothing lost or doubled between the two.
/// </summary>
internal sealed class ProbeEventLog
{
    private readonly Lock _gate = new();
    private readonly List<ProbeEvent> _events = [];
    private readonly List<Channel<ProbeEvent>> _subscribers = [];

    public bool IsClosed { get; private set; }

    /// <param name="appended">Called with the new event under the log's lock, so its callers see events in sequence order.</param>
    public void Append(string type, object data, bool close, Action<ProbeEvent>? appended = null)
    {
        lock (_gate)
        {
            if (IsClosed)
            {
                return;
            }

            var item = new ProbeEvent(_events.Count + 1, type, data);
            _events.Add(item);
            appended?.Invoke(item);
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(item);
                if (close)
                {
                    subscriber.Writer.TryComplete();
                }
            }

            IsClosed = close;
            if (close)
            {
                _subscribers.Clear();
            }
        }
    }

    /// <summary>Past events, and a reader of the ones still to come (already completed when the probe ended).</summary>
    public (IReadOnlyList<ProbeEvent> Past, ChannelReader<ProbeEvent> Live, Action Unsubscribe) Subscribe()
    {
        var channel = Channel.CreateUnbounded<ProbeEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            var past = _events.ToArray();
            if (IsClosed)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                _subscribers.Add(channel);
            }

            return (past, channel.Reader, () =>
            {
                lock (_gate)
                {
                    _subscribers.Remove(channel);
                }
            }
            );
        }
    }
}
