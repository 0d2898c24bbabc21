using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using SmtpProbeHub.Api.Monitors.Alerts;

namespace SmtpProbeHub.Api.Monitors.Webhooks;

/// <summary>
/// Sends one delivery round: a few signed POSTs with exponential backoff (Polly: retry on 5xx, 408, 429, timeouts and
/// connection errors; a timeout per attempt). The connection is made only to an address the <see cref="WebhookPolicy"/>
/// allows, checked on the resolved address; redirects are not followed and the reply body is never read, so a receiver
/// that redirects to loopback, answers 10 MB or never answers costs one attempt's timeout and nothing else.
/// </summary>
internal sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _client;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly WebhookPolicy _policy;
    private readonly TimeProvider _time;

    public WebhookSender(WebhookPolicy policy, TimeProvider time, IOptions<MonitorOptions> options)
    {
        _policy = policy;
        _time = time;
        var webhooks = options.Value.Webhooks;
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = ConnectAsync,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxResponseHeadersLength = 64,
            UseProxy = false,
        })
        {
            // Timeouts are the pipeline's, per attempt.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("SmtpProbeHub-Webhook/1");
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(0, webhooks.AttemptsPerRound - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(webhooks.RetryDelayMilliseconds),
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<TimeoutRejectedException>()
                    .Handle<HttpRequestException>(ex => ex.InnerException is not TargetRefusedException)
                    .HandleResult(r => Retryable(r.StatusCode)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddTimeout(TimeSpan.FromSeconds(webhooks.AttemptTimeoutSeconds))
            .Build();
    }

    /// <summary>One round; the outcome and every attempt it made.</summary>
    public async Task<RoundResult> SendAsync(DeliveryWork work, CancellationToken cancellationToken)
    {
        var attempts = new List<WebhookAttempt>();
        if (work.Target is not { } target)
        {
            return new RoundResult(RoundOutcome.GiveUp, [new WebhookAttempt(_time.GetUtcNow(), null, "the webhook was removed or changed", 0)]);
        }

        var body = Encoding.UTF8.GetBytes(work.PayloadJson);
        try
        {
            using var response = await _pipeline.ExecuteAsync(async token =>
            {
                var at = _time.GetUtcNow();
                var started = _time.GetTimestamp();
                try
                {
                    var answer = await _client.SendAsync(Request(target, work, body), HttpCompletionOption.ResponseHeadersRead, token);
                    lock (attempts)
                    {
                        attempts.Add(new WebhookAttempt(at, (int)answer.StatusCode, null, _time.GetElapsedTime(started).TotalMilliseconds));
                    }

                    return answer;
                }
                catch (Exception ex)
                {
                    lock (attempts)
                    {
                        attempts.Add(new WebhookAttempt(at, null, Describe(ex, token), _time.GetElapsedTime(started).TotalMilliseconds));
                    }

                    throw;
                }
            }, cancellationToken);
            var code = (int)response.StatusCode;
            return new RoundResult(code is >= 200 and < 300 ? RoundOutcome.Delivered : Retryable(response.StatusCode) ? RoundOutcome.Retry : RoundOutcome.GiveUp, attempts);
        }
        catch (HttpRequestException ex) when (ex.InnerException is TargetRefusedException)
        {
            return new RoundResult(RoundOutcome.GiveUp, attempts);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or IOException)
        {
            return new RoundResult(RoundOutcome.Retry, attempts);
        }
    }

    public void Dispose() => _client.Dispose();

    private static HttpRequestMessage Request(WebhookTarget target, DeliveryWork work, byte[] body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") { CharSet = "utf-8" } } },
        };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(target.Secret, timestamp, body));
        request.Headers.Add(WebhookSignature.DeliveryHeader, work.Delivery.Id.ToString());
        request.Headers.Add(WebhookSignature.IdempotencyHeader, work.Delivery.AlertId.ToString());
        return request;
    }

    /// <summary>Connects only to an address the policy allows (DNS answered now, not when the monitor was saved).</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        string? refusal = null;
        foreach (var address in addresses)
        {
            if (_policy.Check(address, endpoint.Port) is { Allowed: false } refused)
            {
                refusal ??= refused.Rule;
                continue;
            }

            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, endpoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                if (address == addresses[^1])
                {
                    throw;
                }
            }
        }

        throw new TargetRefusedException(refusal ?? $"{endpoint.Host} resolved to no address");
    }

    private static bool Retryable(HttpStatusCode status) => (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static string Describe(Exception ex, CancellationToken attempt) => ex switch
    {
        OperationCanceledException when attempt.IsCancellationRequested => "no answer within the attempt timeout",
        HttpRequestException { InnerException: TargetRefusedException refused } => $"refused by the target policy: {refused.Message}",
        HttpRequestException http => http.InnerException?.Message ?? http.Message,
        _ => ex.Message,
    };
}

/// <summary>The connection was refused before it was made: the address is outside the webhook policy.</summary>
internal sealed class TargetRefusedException(string rule) : Exception(rule);

internal enum RoundOutcome
{
    Delivered,
    Retry,
    GiveUp,
}

internal sealed record RoundResult(RoundOutcome Outcome, IReadOnlyList<WebhookAttempt> Attempts);
