using System.Security.Cryptography;
using System.Text;
using SmtpProbeHub.Probe.Dialog;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Steps;

namespace SmtpProbeHub.Probe.Tests.Dialog;

/// <summary>The message after DATA goes out whole; the transcript keeps its headers and the start of its body.</summary>
public sealed class MessageTranscriptTests
{
    private const string Headers = "From: admin@test.com\r\nTo: alice@corp.test\r\nSubject: large\r\n";

    [Fact]
    public async Task LargeBody_IsSentWhole_ButTheTranscriptKeepsTheHeadersAndTheFirstBodyBytes_ThenOneInfoLineWithTheRestsDigest()
    {
        var body = string.Concat(Enumerable.Range(0, 1000).Select(i => $"{i:D4} " + new string('x', 95) + "\r\n"));
        var message = MessageComposer.Stuff(Encoding.UTF8.GetBytes(Headers + "\r\n" + body), null);

        var (wire, transcript) = await SendAsync(message, maxBodyBytes: 10_000);

        Assert.Equal(message.Data, wire);
        var sent = transcript.Where(t => t.Direction == TranscriptDirection.Sent).Select(t => t.Text).ToList();
        Assert.Equal(["From: admin@test.com", "To: alice@corp.test", "Subject: large", ""], sent.Take(4));
        Assert.Equal(".", sent[^1]);
        var bodyLines = sent.Skip(4).SkipLast(1).ToList();
        var recordedBytes = bodyLines.Sum(l => Encoding.UTF8.GetByteCount(l) + 2);
        Assert.InRange(recordedBytes, 10_000 - 102, 10_000);
        Assert.Equal(body.Split("\r\n").Take(bodyLines.Count), bodyLines);

        // The digest is checked against the wire: the omitted lines are the bytes between the recorded ones and ".".
        var info = Assert.Single(transcript, t => t.Direction == TranscriptDirection.Info).Text;
        var omittedBytes = message.Data.Length - ".\r\n".Length - (Headers.Length + 2 + recordedBytes);
        var omitted = message.Data.AsSpan(Headers.Length + 2 + recordedBytes, omittedBytes);
        Assert.Contains(FormattableString.Invariant($"{1000 - bodyLines.Count:N0} more message lines ({omittedBytes:N0} bytes) not recorded"), info, StringComparison.Ordinal);
        Assert.EndsWith(Convert.ToHexStringLower(SHA256.HashData(omitted)), info, StringComparison.Ordinal);
        Assert.Equal(TranscriptDirection.Info, transcript[^2].Direction);
    }

    [Fact]
    public async Task ManyShortBodyLines_AreCappedByLineCountToo()
    {
        var message = MessageComposer.Stuff(Encoding.UTF8.GetBytes(Headers + "\r\n" + string.Concat(Enumerable.Repeat("x\r\n", 5000))), null);

        var (_, transcript) = await SendAsync(message, maxBodyBytes: 64 * 1024);

        Assert.Equal(4 + TranscriptRecorder.MaxBodyLines, transcript.TakeWhile(t => t.Direction == TranscriptDirection.Sent).Count());
        Assert.Contains("4,800 more message lines (14,400 bytes) not recorded", transcript[^2].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyWithinTheCap_IsRecordedWhole_WithNoInfoLine()
    {
        var message = MessageComposer.Stuff(Encoding.UTF8.GetBytes(Headers + "\r\nThis is a test message\r\n.starts with a dot\r\n"), null);

        var (_, transcript) = await SendAsync(message, maxBodyBytes: 64 * 1024);

        Assert.Equal(message.Lines, transcript.Select(t => t.Text));
        Assert.All(transcript, t => Assert.Equal(TranscriptDirection.Sent, t.Direction));
    }

    [Fact]
    public async Task SecretInTheOmittedLines_IsNotWhatTheDigestIsTakenOf()
    {
        var body = new string('x', 200) + "\r\nhunter2-secret\r\n";
        var message = MessageComposer.Stuff(Encoding.UTF8.GetBytes(Headers + "\r\n" + body), null);

        var (_, transcript) = await SendAsync(message, maxBodyBytes: 100, secret: "hunter2-secret");

        var info = transcript[^2].Text;
        Assert.DoesNotContain(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(new string('x', 200) + "\r\nhunter2-secret\r\n"))), info, StringComparison.Ordinal);
        Assert.Contains("2 more message lines", info, StringComparison.Ordinal);
    }

    private static async Task<(byte[] Wire, IReadOnlyList<TranscriptEntry> Transcript)> SendAsync(ComposedMessage message, int maxBodyBytes, string? secret = null)
    {
        using var wire = new MemoryStream();
        var transcript = new TranscriptRecorder(TimeProvider.System, null);
        await using var connection = new SmtpConnection(wire, null, transcript, new ProbeEngineOptions { MaxTranscriptBodyBytes = maxBodyBytes });
        if (secret is not null)
        {
            connection.RegisterSecret(secret);
        }

        await connection.SendDataAsync(message.Data, message.Lines, TestContext.Current.CancellationToken);
        return (wire.ToArray(), transcript.Snapshot());
    }
}
