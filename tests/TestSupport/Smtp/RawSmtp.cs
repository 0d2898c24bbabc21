using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SmtpProbeHub.TestSupport.Smtp;

/// <summary>
/// A bare line-level SMTP client over a socket (no pipelining, no TLS), each reply within 10 s: checks the test peers
/// independently of the engine, and is the benchmark's floor, what any probe must at least spend.
/// </summary>
public sealed class RawSmtp : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private RawSmtp(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, Encoding.ASCII);
    }

    public static Task<RawSmtp> ConnectAsync(string host, int port) => ConnectAsync(new IPEndPoint(IPAddress.Parse(host), port));

    public static async Task<RawSmtp> ConnectAsync(IPEndPoint server)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server, TestContext.Current.CancellationToken);
            return new RawSmtp(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads one (possibly multi-line) reply; returns its lines.</summary>
    public async Task<IReadOnlyList<string>> ReadReplyAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(ReplyTimeout);
        var lines = new List<string>();
        while (true)
        {
            var line = await _reader.ReadLineAsync(timeout.Token) ?? throw new IOException("Connection closed mid-reply.");
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return lines;
            }
        }
    }

    /// <summary>Sends a command line (or, for DATA's content, lines ending in "\r\n.") and reads the reply.</summary>
    public async Task<IReadOnlyList<string>> SendAsync(string command)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), TestContext.Current.CancellationToken);
        return await ReadReplyAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
