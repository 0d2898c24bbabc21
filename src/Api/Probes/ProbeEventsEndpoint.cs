using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Events;
using SmtpProbeHub.Api.Storage;

namespace SmtpProbeHub.Api.Probes;

/// <summary>
/// GET /api/v1/probes/{id}/events. A probe in flight (or just ended) is streamed from the live event log:
/// first everything that already happened, then each new event, heartbeats while idle, and a final
/// <c>end</c> event carrying the probe. An older probe is replayed from storage the same way.
/// A <c>Last-Event-ID</c> header (sent by a reconnecting EventSource) skips the events already seen.
/// </summary>
internal static class ProbeEventsEndpoint
{
    public static async Task<Results<ServerSentEventsResult<object>, ProblemHttpResult>> StreamAsync(
        Guid id, HttpContext http, ProbeEventBus bus, IProbeStore store, IOptions<EventsOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        // A reconnecting EventSource sends the last id it saw: resume after it instead of repeating.
        var resumeAfter = long.TryParse(http.Request.Headers["Last-Event-ID"], out var lastId) ? lastId : 0;
        var subscription = bus.Subscribe(id);
        IReadOnlyList<ProbeEvent> past;
        if (subscription is { } live)
        {
            past = live.Past;
        }
        else if (await store.GetAsync(id, cancellationToken) is { } probe)
        {
            if (http.RequestServices.GetService<Cluster.EventMirror>() is { } mirror && await mirror.FollowsAsync(probe, cancellationToken))
            {
                // Running on another replica (or ran on one): its events as the owner copied them to the database, same ids.
                http.Response.Headers["X-Accel-Buffering"] = "no";
                return TypedResults.ServerSentEvents(mirror.FollowAsync(id, resumeAfter, http.Response.Body, cancellationToken));
            }

            past = StoredEvents.Of(probe);
        }
        else
        {
            return Problems.Problem.NotFound($"No probe with id {id}.");
        }

        var heartbeat = new Heartbeat(http.Response.Body, TimeSpan.FromSeconds(options.Value.HeartbeatSeconds), time);
        http.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(EventsAsync(past.Where(e => e.Sequence > resumeAfter), subscription, heartbeat, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<object>> EventsAsync(
        IEnumerable<ProbeEvent> past, (IReadOnlyList<ProbeEvent> Past, ChannelReader<ProbeEvent> Live, Action Unsubscribe)? subscription,
        Heartbeat heartbeat, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            foreach (var item in past)
            {
                yield return ToSse(item);
            }

            if (subscription is not { Live: var live })
            {
                yield break;
            }

            while (await heartbeat.WaitToReadAsync(live, cancellationToken))
            {
                while (live.TryRead(out var item))
                {
                    yield return ToSse(item);
                }
            }
        }
        finally
        {
            subscription?.Unsubscribe();
        }
    }

    private static SseItem<object> ToSse(ProbeEvent item) => new(item.Data, item.Type) { EventId = item.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>
    /// Keeps an idle stream open with a comment line, which EventSource ignores. <see cref="SseItem{T}"/> has no
    /// comments, so this one line is written to the body directly: the formatter asks for the next item only once it
    /// has written the previous one, so the comment always falls between two events.
    /// </summary>
    private sealed class Heartbeat(Stream body, TimeSpan interval, TimeProvider time)
    {
        /// <summary>True when there is more to read; false at the end of the probe's events, or when the client went away.</summary>
        public async Task<bool> WaitToReadAsync(ChannelReader<ProbeEvent> live, CancellationToken cancellationToken)
        {
            while (true)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                idle.CancelAfter(interval);
                try
                {
                    return await live.WaitToReadAsync(idle.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await body.WriteAsync(Encoding.UTF8.GetBytes($": heartbeat {time.GetUtcNow():O}\n\n"), cancellationToken);
                    await body.FlushAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }
        }
    }
}
