using System.Net.Sockets;
using System.Text;

namespace SmtpProbeHub.Probe.Tests.Integration;

/// <summary>A bare line-level SMTP client: checks the test peers themselves, independently of the engine.</summary>
internal sealed class RawSmtp : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly StreamReader _reader;
    private readonly Stream _stream;

    private RawSmtp(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new StreamReader(_stream, Encoding.ASCII);
    }

    public static async Task<RawSmtp> ConnectAsync(string host, int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(host, port, TestContext.Current.CancellationToken);
        client.ReceiveTimeout = 10_000;
        return new RawSmtp(client);
    }

    /// <summary>Reads one (possibly multi-line) reply; returns its lines.</summary>
    public async Task<IReadOnlyList<string>> ReadReplyAsync()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(10));
        var lines = new List<string>();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cts.Token) ?? throw new IOException("Connection closed mid-reply.");
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return lines;
            }
        }
    }

    public async Task<IReadOnlyList<string>> SendAsync(string command)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), TestContext.Current.CancellationToken);
        return await ReadReplyAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
