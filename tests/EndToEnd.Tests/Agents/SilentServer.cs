using System.Net;
using System.Net.Sockets;

namespace SmtpProbeHub.EndToEnd.Tests.Agents;

/// <summary>
/// A TCP server on loopback that accepts and never says a word (a probe waits for the banner until its
/// timeout) and notices when the client hangs up: proof that a cancel really stopped the dialog.
/// </summary>
internal sealed class SilentServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;
    private int _open;
    private int _maxOpen;

    public SilentServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Host => "127.0.0.1";

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The most connections that were open at the same moment.</summary>
    public int MaxConcurrent => Volatile.Read(ref _maxOpen);

    /// <summary>Connections open now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Completes when the first client closes its connection.</summary>
    public TaskCompletionSource ClientHungUp { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                var now = Interlocked.Increment(ref _open);
                int seen;
                while ((seen = Volatile.Read(ref _maxOpen)) < now && Interlocked.CompareExchange(ref _maxOpen, now, seen) != seen)
                {
                }

                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        var buffer = new byte[1024];
                        try
                        {
                            while (await client.GetStream().ReadAsync(buffer, _stop.Token) > 0)
                            {
                            }
                        }
                        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
                        {
                        }

                        Interlocked.Decrement(ref _open);
                        if (!_stop.IsCancellationRequested)
                        {
                            ClientHungUp.TrySetResult();
                        }
                    }
                });
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
