using System.Buffers;
using System.Net;
using SmtpProbeHub.TestSupport.Peers;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace SmtpProbeHub.Benchmarks.Smtp;

/// <summary>
/// A fast SMTP sink on loopback for throughput (Postfix is not one: testbed-facts.md): the SmtpServer library,
/// accepting every sender and recipient and discarding messages. <see cref="HoldMessage"/> delays the reply to
/// "." so probes stay in flight (for the agent's memory under load); a banner delay holds each connection that long
/// before its 220 (<see cref="DelayedBannerListenerFactory"/>), like a slow or tarpitting server.
/// </summary>
internal sealed class FastSink : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly DiscardingStore _store;

    private readonly DelayedBannerListenerFactory? _delayed;

    private FastSink(int port, TimeSpan holdMessage, TimeSpan bannerDelay)
    {
        Port = port;
        _store = new DiscardingStore(holdMessage);
        var options = new SmtpServerOptionsBuilder()
            .ServerName("sink.bench.test")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, port)))
            .Build();
        var services = new ServiceProvider();
        services.Add(_store);
        if (bannerDelay > TimeSpan.Zero)
        {
            _delayed = new DelayedBannerListenerFactory(bannerDelay);
            services.Add(_delayed);
        }

        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    public int Port { get; }
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);
    public long Messages => _store.Count;

    /// <summary>The most connections open at once since the last <see cref="ResetPeak"/> (counted only with a banner delay).</summary>
    public int PeakConnections => _delayed?.Peak ?? 0;

    public void ResetPeak() => _delayed?.ResetPeak();

    public static async Task<FastSink> StartAsync(TimeSpan holdMessage = default, TimeSpan bannerDelay = default)
    {
        var sink = new FastSink(FreePorts.Tcp(IPAddress.Loopback), holdMessage, bannerDelay);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await probe.ConnectAsync(sink.EndPoint);
                return sink;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _server.Shutdown();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
        }

        _stop.Dispose();
    }

    private sealed class DiscardingStore(TimeSpan hold) : MessageStore
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (hold > TimeSpan.Zero)
            {
                await Task.Delay(hold, cancellationToken);
            }

            Interlocked.Increment(ref _count);
            return SmtpResponse.Ok;
        }
    }
}
