using Google.Protobuf;
using SmtpProbeHub.Contracts.Mapping;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Benchmarks.Fleet;

/// <summary>
/// The result a simulated agent answers every assignment with: a valid, passed KB run with its steps and
/// transcript (the size of a real one), serialised once and shared by every simulated agent.
/// </summary>
internal static class CannedResult
{
    public static ByteString Json { get; } = Build();

    private static ByteString Build()
    {
        var at = DateTimeOffset.UtcNow;
        var dialog = new (StepName Step, string? Command, int Code, string Text)[]
        {
            (StepName.Banner, null, 220, "mx.corp.test ESMTP Postfix"),
            (StepName.Ehlo, "EHLO test.com", 250, "mx.corp.test"),
            (StepName.Mail, "MAIL FROM:<admin@test.com>", 250, "2.1.0 Ok"),
            (StepName.Rcpt, "RCPT TO:<alice@corp.test>", 250, "2.1.5 Ok"),
            (StepName.Data, "DATA", 354, "End data with <CR><LF>.<CR><LF>"),
            (StepName.Message, ".", 250, "2.0.0 Ok: queued as 4ABC123"),
            (StepName.Quit, "QUIT", 221, "2.0.0 Bye"),
        };
        var steps = new List<ProbeStep>
        {
            new(StepName.Resolve, null, StepOutcome.Ok, null, at, 0.1, "127.0.0.1 (127.0.0.1)"),
            new(StepName.Connect, null, StepOutcome.Ok, null, at, 0.3, "127.0.0.1:25"),
        };
        var transcript = new List<TranscriptEntry> { new(0, TranscriptDirection.Info, "Trying 127.0.0.1:25…") };
        foreach (var (step, command, code, text) in dialog)
        {
            steps.Add(new ProbeStep(step, command, StepOutcome.Ok, new SmtpReply(code, null, [text]), at, 0.2));
            if (command is not null)
            {
                transcript.Add(new TranscriptEntry(1, TranscriptDirection.Sent, command));
            }

            transcript.Add(new TranscriptEntry(1, TranscriptDirection.Received, $"{code} {text}"));
        }

        var result = new ProbeResult
        {
            Verdict = Verdict.Passed,
            Server = new ServerEndpoint("127.0.0.1", "127.0.0.1", 25),
            DurationMs = 2.5,
            Steps = steps,
            Transcript = transcript,
            QueueId = "4ABC123",
        };
        return ProbeWire.ToCompleted("00000000-0000-0000-0000-000000000000", result, at).ResultJson;
    }
}
