using System.IO.Pipelines;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace SmtpProbeHub.Benchmarks.Smtp;

/// <summary>
/// The SmtpServer library's own extension point for connections (<see cref="IEndpointListenerFactory"/>): each accepted
/// connection's output holds its first flush — the 220 banner, which the library writes and flushes before anything
/// else — for <c>delay</c>, without blocking the accept loop or a thread; the rest of the dialog goes at full speed.
/// The library's greeting hook (<c>CustomSmtpGreeting</c>) is synchronous, so it cannot wait without holding a thread
/// per connection. Also counts open connections and their peak: what is really in flight on the wire.
/// </summary>
internal sealed class DelayedBannerListenerFactory(TimeSpan delay) : IEndpointListenerFactory
{
    private readonly EndpointListenerFactory _inner = new();
    private int _open;
    private int _peak;

    public TimeSpan Delay { get; } = delay;
    public int Open => Volatile.Read(ref _open);
    public int Peak => Volatile.Read(ref _peak);

    public void ResetPeak() => Volatile.Write(ref _peak, Open);

    public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition) => new Listener(this, _inner.CreateListener(endpointDefinition));

    private void Opened()
    {
        var open = Interlocked.Increment(ref _open);
        int peak;
        while (open > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, open, peak) != peak)
        {
        }
    }

    private void Closed() => Interlocked.Decrement(ref _open);

    private sealed class Listener(DelayedBannerListenerFactory owner, IEndpointListener inner) : IEndpointListener
    {
        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            var pipe = await inner.GetPipeAsync(context, cancellationToken);
            owner.Opened();
            return new DelayedPipe(owner, pipe);
        }

        public void Dispose() => inner.Dispose();
    }

    private sealed class DelayedPipe(DelayedBannerListenerFactory owner, ISecurableDuplexPipe inner) : ISecurableDuplexPipe
    {
        private readonly DelayedWriter _output = new(inner.Output, owner.Delay);
        private int _disposed;

        public PipeReader Input => inner.Input;
        public PipeWriter Output => _output;
        public bool IsSecure => inner.IsSecure;
        public SslProtocols SslProtocol => inner.SslProtocol;

        public Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default) =>
            inner.UpgradeAsync(certificate, protocols, cancellationToken);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Closed();
                inner.Dispose();
            }
        }
    }

    /// <summary>Passes everything through; only the first flush waits (the written banner stays buffered until then).</summary>
    private sealed class DelayedWriter(PipeWriter inner, TimeSpan delay) : PipeWriter
    {
        private int _delayed;

        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _delayed, 1) == 0)
            {
                await Task.Delay(delay, cancellationToken);
            }

            return await inner.FlushAsync(cancellationToken);
        }

        public override void Advance(int bytes) => inner.Advance(bytes);
        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);
        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
        public override void CancelPendingFlush() => inner.CancelPendingFlush();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);
        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}
