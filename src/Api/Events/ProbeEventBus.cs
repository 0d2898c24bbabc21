using System.Collections.Concurrent;
using System.Threading.Channels;

namespace SmtpProbeHub.Api.Events;

/// <summary>
/// Live events of probes in flight, in memory. A probe's log is kept for <see cref="Retention"/> after its
/// final event so a client that connects just after the end still gets the live replay; later the
/// events endpoint rebuilds the same events from storage.
/// </summary>
public sealed class ProbeEventBus(TimeProvider time)
{
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<Guid, ProbeEventLog> _logs = new();

    /// <summary>
    /// Also given every event as it is appended, in order (several hub replicas: a copy in the database for readers on
    /// the other replicas, Cluster/EventMirror). Null for a single hub.
    /// </summary>
    internal Action<Guid, ProbeEvent>? Mirror { get; set; }

    internal void Open(Guid probeId) => _logs.TryAdd(probeId, new ProbeEventLog());

    internal void Publish(Guid probeId, string type, object data)
    {
        if (_logs.TryGetValue(probeId, out var log))
        {
            log.Append(type, data, close: false, Mirror is { } mirror ? e => mirror(probeId, e) : null);
        }
    }

    internal void Close(Guid probeId, object final)
    {
        if (!_logs.TryGetValue(probeId, out var log))
        {
            return;
        }

        log.Append(ProbeEvent.End, final, close: true, Mirror is { } mirror ? e => mirror(probeId, e) : null);
        _ = ForgetLaterAsync(probeId);
    }

    /// <summary>Replay + live for a probe in memory, or null when the hub holds no events for it.</summary>
    internal (IReadOnlyList<ProbeEvent> Past, ChannelReader<ProbeEvent> Live, Action Unsubscribe)? Subscribe(Guid probeId) =>
        _logs.TryGetValue(probeId, out var log) ? log.Subscribe() : null;

    private async Task ForgetLaterAsync(Guid probeId)
    {
        await Task.Delay(Retention, time).ConfigureAwait(false);
        _logs.TryRemove(probeId, out _);
    }
}

/// <summary>Server-Sent Events settings (section <c>Hub:Events</c>).</summary>
public sealed class EventsOptions
{
    public const string Section = "Hub:Events";

    /// <summary>Seconds between heartbeat comments on an idle stream (keeps proxies from closing it).</summary>
    public double HeartbeatSeconds { get; set; } = 15;
}
