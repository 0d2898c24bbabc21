using System.Net;
using System.Net.Sockets;

namespace SmtpProbeHub.TestSupport.Scripted;

/// <summary>
/// An in-process SMTP server on 127.0.0.1 and an ephemeral port that answers from a <see cref="SmtpScript"/>
/// and records every connection and line, so tests can assert exactly what a client sent.
/// </summary>
public sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly SmtpScript _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ScriptedConnection> _connections = [];
    private readonly List<Task> _handlers = [];
    private readonly List<TcpClient> _clients = [];
    private readonly Lock _lock = new();
    private readonly Task _acceptLoop;

    private ScriptedSmtpServer(SmtpScript script, IPAddress? address = null)
    {
        _script = script;
        _listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    /// <summary>Starts a server answering from <paramref name="script"/> (defaults: a well-behaved ESMTP server).</summary>
    public static ScriptedSmtpServer Start(SmtpScript? script = null) => new(script ?? new SmtpScript());

    /// <summary>Starts a server on another loopback address (e.g. <see cref="IPAddress.IPv6Loopback"/>).</summary>
    public static ScriptedSmtpServer Start(SmtpScript script, IPAddress address) => new(script, address);

    /// <summary>Starts a server after letting <paramref name="configure"/> script it.</summary>
    public static ScriptedSmtpServer Start(Action<SmtpScript> configure)
    {
        var script = new SmtpScript();
        configure(script);
        return new ScriptedSmtpServer(script);
    }

    /// <summary>The port listened on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The address listened on, e.g. "127.0.0.1" or "::1".</summary>
    public string Host => ((IPEndPoint)_listener.LocalEndpoint).Address.ToString();

    /// <summary>Connections accepted so far.</summary>
    public IReadOnlyList<ScriptedConnection> Connections
    {
        get { lock (_lock) { return [.. _connections]; } }
    }

    /// <summary>How many connections were accepted.</summary>
    public int ConnectionCount => Connections.Count;

    /// <summary>Every line received on every connection, in order per connection.</summary>
    public IReadOnlyList<string> ReceivedLines => [.. Connections.SelectMany(c => c.Lines)];

    /// <summary>Every command (lines outside DATA) received on every connection.</summary>
    public IReadOnlyList<string> ReceivedCommands => [.. Connections.SelectMany(c => c.Commands)];

    /// <summary>Waits until every connection handler has ended (the client hung up or the script closed).</summary>
    public async Task WaitForIdleAsync(TimeSpan timeout)
    {
        Task[] handlers;
        lock (_lock)
        {
            handlers = [.. _handlers];
        }

        await Task.WhenAll(handlers).WaitAsync(timeout).ConfigureAwait(false);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var connection = new ScriptedConnection();
            var session = new ScriptedSession(_script, connection);
            lock (_lock)
            {
                _connections.Add(connection);
                _clients.Add(client);
                _handlers.Add(Task.Run(() => session.RunAsync(client, _stop.Token)));
            }
        }
    }

    /// <summary>Stops listening and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        Task[] handlers;
        lock (_lock)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }

            handlers = [.. _handlers];
        }

        try
        {
            await Task.WhenAll([_acceptLoop, .. handlers]).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or IOException or SocketException or ObjectDisposedException)
        {
            // Handlers end by their connection being closed under them; how they end does not matter here.
        }

        _stop.Dispose();
    }
}
