using BenchmarkDotNet.Attributes;
using SmtpProbeHub.Probe;
using SmtpProbeHub.Probe.Dialog;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Benchmarks.Micro;

/// <summary>
/// Transcript capture: the connection reading a reply (each line redacted and recorded as it arrives), and a
/// whole probe's worth of transcript lines recorded and snapshotted for the result.
/// </summary>
[MemoryDiagnoser]
public class TranscriptBenchmarks
{
    private static readonly ProbeEngineOptions Options = new();
    private static readonly string[] ProbeLines =
    [
        "Trying 127.0.0.1:25…", "Connected to 127.0.0.1 (127.0.0.1:25).", "220 mx.corp.test ESMTP Postfix", "EHLO test.com",
        "250-mx.corp.test", "250-PIPELINING", "250-SIZE 10240000", "250-VRFY", "250-ETRN", "250-STARTTLS", "250-ENHANCEDSTATUSCODES",
        "250-8BITMIME", "250-DSN", "250-SMTPUTF8", "250 CHUNKING", "MAIL FROM:<admin@test.com>", "250 2.1.0 Ok", "RCPT TO:<alice@corp.test>",
        "250 2.1.5 Ok", "DATA", "354 End data with <CR><LF>.<CR><LF>", "From: admin@test.com", "To: alice@corp.test", "Subject: test message",
        "", "This is a test message", ".", "250 2.0.0 Ok: queued as 4ABC123", "QUIT", "221 2.0.0 Bye", "Connection closed.",
    ];

    [Benchmark(Description = "connection reads EHLO reply into transcript (redacted)")]
    public async Task<SmtpReply> ReadEhloIntoTranscript()
    {
        var transcript = new TranscriptRecorder(TimeProvider.System, null);
        await using var connection = new SmtpConnection(new MemoryStream(ReplyParserBenchmarks.EhloReply, writable: false), null, transcript, Options);
        return await connection.ReadReplyAsync(CancellationToken.None);
    }

    [Benchmark(Description = "record a probe's 31 transcript lines + snapshot")]
    public IReadOnlyList<TranscriptEntry> RecordProbe()
    {
        var transcript = new TranscriptRecorder(TimeProvider.System, null);
        foreach (var line in ProbeLines)
        {
            transcript.Add(TranscriptDirection.Received, line);
        }

        return transcript.Snapshot();
    }
}
