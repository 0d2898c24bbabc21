using System.Net;
using SmtpProbeHub.TestSupport.Smtp;

namespace SmtpProbeHub.Benchmarks.Smtp;

/// <summary>
/// The floor: the KB sequence (banner, EHLO, MAIL, RCPT, DATA, message, QUIT) over a bare socket, one
/// command per round trip like the engine (no pipelining), checking only each reply's code. No
/// transcript, no timeouts beyond one a reply, no DNS: what any probe must at least spend.
/// </summary>
internal static class RawSmtpClient
{
    private const string Message =
        "From: admin@test.com\r\nTo: alice@corp.test\r\nSubject: test message\r\n" +
        "Date: Sat, 28 Nov 2026 12:00:00 +0000\r\nMessage-Id: <raw.bench@test.com>\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: text/plain; charset=us-ascii\r\n\r\nThis is a test message\r\n.";

    private static readonly (string Command, string Expected)[] Dialog =
    [
        ("EHLO test.com", "250"),
        ("MAIL FROM:<admin@test.com>", "250"),
        ("RCPT TO:<alice@corp.test>", "250"),
        ("DATA", "354"),
        (Message, "250"),
        ("QUIT", "221"),
    ];

    public static async Task RunAsync(IPEndPoint server)
    {
        await using var smtp = await RawSmtp.ConnectAsync(server);
        Expect(await smtp.ReadReplyAsync(), "220");
        foreach (var (command, expected) in Dialog)
        {
            Expect(await smtp.SendAsync(command), expected);
        }
    }

    private static void Expect(IReadOnlyList<string> reply, string code)
    {
        if (!reply[^1].StartsWith(code, StringComparison.Ordinal))
        {
            throw new IOException($"expected {code}, got: {reply[^1]}");
        }
    }
}
