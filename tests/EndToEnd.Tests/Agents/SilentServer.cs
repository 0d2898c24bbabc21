using System.Net;
using System.Net.Sockets;

namespace SmtpProbeHub.EndToEnd.Tests.Agents;

/// <summary>
/// A TCP server on loopback that accepts and never says a word (a probe waits for the banner until its
/// timeout) and notices when the client hangs up: proof that a cancel really stopped the dialog.
/// </summary>
internal sealed class SilentServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;
    private int connections;
    private int open;
    private int maxOpen;

    public SilentServer()
    {
        listener.Start();
        accepting = AcceptAsync();
    }

    public string Host => "127.0.0.1";

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref connections);

    /// <summary>The most connections that were open at the same moment.</summary>
    public int MaxConcurrent => Volatile.Read(ref maxOpen);

    /// <summary>Connections open now.</summary>
    public int Open => Volatile.Read(ref open);

    /// <summary>Completes when the first client closes its connection.</summary>
    public TaskCompletionSource ClientHungUp { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref connections);
                var now = Interlocked.Increment(ref open);
                int seen;
                while ((seen = Volatile.Read(ref maxOpen)) < now && Interlocked.CompareExchange(ref maxOpen, now, seen) != seen)
                {
                }

                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        var buffer = new byte[1024];
                        try
                        {
                            while (await client.GetStream().ReadAsync(buffer, stop.Token) > 0)
                            {
                            }
                        }
                        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
                        {
                        }

                        Interlocked.Decrement(ref open);
                        if (!stop.IsCancellationRequested)
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
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        stop.Dispose();
    }
}
