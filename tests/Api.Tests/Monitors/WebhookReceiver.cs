using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SmtpProbeHub.Api.Monitors.Webhooks;

namespace SmtpProbeHub.Api.Tests.Monitors;

/// <summary>
/// A real HTTP webhook receiver (Kestrel on a loopback port 0) that checks every request's signature as a receiver
/// should. <see cref="Answer"/> decides each reply by path and how many requests that path has had (1-based).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource _closing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app, string secret)
    {
        _app = app;
        Secret = secret;
    }

    public string Secret { get; }

    public int Port { get; private set; }

    /// <summary>Every request, in arrival order (recorded before it is answered).</summary>
    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>(path, n-th request of that path) → what to do; default 200.</summary>
    public Func<string, int, Reply> Answer { get; set; } = (_, _) => Reply.Status(200);

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public static async Task<WebhookReceiver> StartAsync(string secret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, secret);
        app.Run(receiver.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        receiver.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return receiver;
    }

    /// <summary>The requests to <paramref name="path"/> so far.</summary>
    public IReadOnlyList<ReceivedWebhook> To(string path) => [.. Received.Where(r => r.Path == path)];

    public async ValueTask DisposeAsync()
    {
        _closing.TrySetResult();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var path = context.Request.Path.Value ?? "/";
        var headers = context.Request.Headers;
        var valid = WebhookSignature.Verify(Secret, headers[WebhookSignature.TimestampHeader], body, headers[WebhookSignature.SignatureHeader]);
        var received = new ReceivedWebhook(path, JsonDocument.Parse(body).RootElement.Clone(), valid,
            headers[WebhookSignature.IdempotencyHeader].ToString(), headers[WebhookSignature.DeliveryHeader].ToString());
        Received.Enqueue(received);
        var reply = Answer(path, _counts.AddOrUpdate(path, 1, (_, n) => n + 1));
        if (reply.Hang)
        {
            // Never answers (until the test ends): the hub's attempt timeout is what ends it on its side.
            await _closing.Task.WaitAsync(context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        context.Response.StatusCode = reply.Code;
        if (reply.Location is { } location)
        {
            context.Response.Headers.Location = location;
        }

        if (reply.BodyBytes > 0)
        {
            var chunk = new byte[64 * 1024];
            for (var sent = 0; sent < reply.BodyBytes && !context.RequestAborted.IsCancellationRequested; sent += chunk.Length)
            {
                try
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException)
                {
                    return;
                }
            }
        }
    }
}

/// <summary>One webhook request as the receiver saw it.</summary>
internal sealed record ReceivedWebhook(string Path, JsonElement Payload, bool SignatureValid, string IdempotencyKey, string DeliveryId)
{
    public string Kind => Payload.GetProperty("kind").GetString()!;
}

/// <summary>How the receiver answers one request.</summary>
internal sealed record Reply(int Code, bool Hang = false, string? Location = null, int BodyBytes = 0)
{
    public static Reply Status(int code) => new(code);

    public static Reply Never() => new(0, Hang: true);
}
