using System.Threading.Channels;

namespace SmtpProbeHub.Api.Events;

/// <summary>
/// The events of one live probe: kept in order so a late subscriber first gets everything that already
/// happened (replay) and then each new event (live), with nothing lost or doubled between the two.
/// </summary>
internal sealed class ProbeEventLog
{
    private readonly Lock gate = new();
    private readonly List<ProbeEvent> events = [];
    private readonly List<Channel<ProbeEvent>> subscribers = [];

    public bool IsClosed { get; private set; }

    public void Append(string type, object data, bool close)
    {
        lock (gate)
        {
            if (IsClosed)
            {
                return;
            }

            var item = new ProbeEvent(events.Count + 1, type, data);
            events.Add(item);
            foreach (var subscriber in subscribers)
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
                subscribers.Clear();
            }
        }
    }

    /// <summary>Past events, and a reader of the ones still to come (already completed when the probe ended).</summary>
    public (IReadOnlyList<ProbeEvent> Past, ChannelReader<ProbeEvent> Live, Action Unsubscribe) Subscribe()
    {
        var channel = Channel.CreateUnbounded<ProbeEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (gate)
        {
            var past = events.ToArray();
            if (IsClosed)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                subscribers.Add(channel);
            }

            return (past, channel.Reader, () =>
            {
                lock (gate)
                {
                    subscribers.Remove(channel);
                }
            });
        }
    }
}
