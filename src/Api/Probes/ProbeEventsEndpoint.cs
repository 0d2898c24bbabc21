using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
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
    public static async Task StreamAsync(
        Guid id, HttpContext http, ProbeEventBus bus, IProbeStore store, IOptions<JsonOptions> json,
        IOptions<EventsOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var subscription = bus.Subscribe(id);
        IReadOnlyList<ProbeEvent> past;
        if (subscription is null)
        {
            var probe = await store.GetAsync(id, cancellationToken);
            if (probe is null)
            {
                await Problems.Problem.NotFound($"No probe with id {id}.").ExecuteAsync(http);
                return;
            }

            past = StoredEvents.Of(probe);
        }
        else
        {
            past = subscription.Value.Past;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var writer = new SseWriter(http.Response, json.Value.SerializerOptions);
        try
        {
            // A reconnecting EventSource sends the last id it saw: resume after it instead of repeating.
            var resumeAfter = long.TryParse(http.Request.Headers["Last-Event-ID"], out var lastId) ? lastId : 0;
            foreach (var item in past.Where(e => e.Sequence > resumeAfter))
            {
                await writer.WriteAsync(item, cancellationToken);
            }

            if (subscription is { } live)
            {
                await writer.FlushAsync(cancellationToken);
                await PumpAsync(live.Live, writer, TimeSpan.FromSeconds(options.Value.HeartbeatSeconds), time, cancellationToken);
            }

            await writer.FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            subscription?.Unsubscribe();
        }
    }

    private static async Task PumpAsync(System.Threading.Channels.ChannelReader<ProbeEvent> live, SseWriter writer, TimeSpan heartbeat, TimeProvider time, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            idle.CancelAfter(heartbeat);
            bool more;
            try
            {
                more = await live.WaitToReadAsync(idle.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await writer.HeartbeatAsync(time.GetUtcNow(), cancellationToken);
                continue;
            }

            if (!more)
            {
                return;
            }

            while (live.TryRead(out var item))
            {
                await writer.WriteAsync(item, cancellationToken);
            }

            await writer.FlushAsync(cancellationToken);
        }
    }

    private sealed class SseWriter(HttpResponse response, JsonSerializerOptions options)
    {
        public async Task WriteAsync(ProbeEvent item, CancellationToken cancellationToken)
        {
            var data = JsonSerializer.Serialize(item.Data, item.Data.GetType(), options);
            await response.WriteAsync($"id: {item.Sequence}\nevent: {item.Type}\ndata: {data}\n\n", cancellationToken);
        }

        public async Task HeartbeatAsync(DateTimeOffset now, CancellationToken cancellationToken)
        {
            await response.WriteAsync($": heartbeat {now:O}\n\n", cancellationToken);
            await FlushAsync(cancellationToken);
        }

        public Task FlushAsync(CancellationToken cancellationToken) => response.Body.FlushAsync(cancellationToken);
    }
}
