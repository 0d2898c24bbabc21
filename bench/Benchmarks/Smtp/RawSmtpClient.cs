using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SmtpProbeHub.Benchmarks.Smtp;

/// <summary>
/// The floor: the KB sequence (banner, EHLO, MAIL, RCPT, DATA, message, QUIT) over a bare socket, one
/// command per round trip like the engine (no pipelining), checking only each reply's code. No
/// transcript, no timeouts beyond one overall, no DNS: what any probe must at least spend.
/// </summary>
internal static class RawSmtpClient
{
    private static readonly byte[] Message = Encoding.ASCII.GetBytes(
        "From: admin@test.com\r\nTo: alice@corp.test\r\nSubject: test message\r\n" +
        "Date: Sat, 28 Nov 2026 12:00:00 +0000\r\nMessage-Id: <raw.bench@test.com>\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: text/plain; charset=us-ascii\r\n\r\nThis is a test message\r\n.\r\n");

    private static readonly (byte[] Command, int Expected)[] Dialog =
    [
        (Encoding.ASCII.GetBytes("EHLO test.com\r\n"), 250),
        (Encoding.ASCII.GetBytes("MAIL FROM:<admin@test.com>\r\n"), 250),
        (Encoding.ASCII.GetBytes("RCPT TO:<alice@corp.test>\r\n"), 250),
        (Encoding.ASCII.GetBytes("DATA\r\n"), 354),
        (Message, 250),
        (Encoding.ASCII.GetBytes("QUIT\r\n"), 221),
    ];

    public static async Task RunAsync(IPEndPoint server, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server, ct);
        var buffer = new byte[4096];
        await ExpectAsync(socket, buffer, 220, ct);
        foreach (var (command, expected) in Dialog)
        {
            await socket.SendAsync(command, SocketFlags.None, ct);
            await ExpectAsync(socket, buffer, expected, ct);
        }
    }

    /// <summary>Reads until a complete reply (a line with a space after the code) and checks its code.</summary>
    private static async Task ExpectAsync(Socket socket, byte[] buffer, int expected, CancellationToken ct)
    {
        var length = 0;
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, ct);
            if (read == 0)
            {
                throw new IOException("the server closed the connection");
            }

            length += read;
            if (LastLineComplete(buffer.AsSpan(0, length), out var lastLineStart))
            {
                var code = (buffer[lastLineStart] - '0') * 100 + (buffer[lastLineStart + 1] - '0') * 10 + (buffer[lastLineStart + 2] - '0');
                if (code != expected)
                {
                    throw new IOException($"expected {expected}, got: {Encoding.ASCII.GetString(buffer, lastLineStart, length - lastLineStart).Trim()}");
                }

                return;
            }

            if (length == buffer.Length)
            {
                throw new IOException("reply too long for the raw client");
            }
        }
    }

    private static bool LastLineComplete(ReadOnlySpan<byte> data, out int lastLineStart)
    {
        lastLineStart = 0;
        if (data.Length < 2 || data[^1] != '\n')
        {
            return false;
        }

        var previous = data[..^1].LastIndexOf((byte)'\n');
        lastLineStart = previous + 1;
        return data.Length - lastLineStart >= 4 && data[lastLineStart + 3] == ' ';
    }
}
