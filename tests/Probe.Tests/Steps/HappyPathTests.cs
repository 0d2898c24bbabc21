using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Probe.Tests.Steps;

public sealed class HappyPathTests
{
    [Fact]
    public async Task FullSequence_WellBehavedServer_PassesWithTheKbRepliesAndQueueId()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Tls = TlsMode.None });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Null(result.FailedStep);
        Assert.Null(result.Diagnosis);
        Assert.Equal(
            [StepName.Resolve, StepName.Connect, StepName.Banner, StepName.Ehlo, StepName.Mail, StepName.Rcpt, StepName.Data, StepName.Message, StepName.Quit],
            result.Steps.Select(s => s.Name));
        Assert.All(result.Steps, s => Assert.Equal(StepOutcome.Ok, s.Outcome));
        Assert.Equal([220, 250, 250, 250, 354, 250, 221], result.Steps.Where(s => s.Reply is not null).Select(s => s.Reply!.Code));
        Assert.Equal("4ABC123DEF", result.QueueId);
        Assert.Equal(new ServerEndpoint("127.0.0.1", "127.0.0.1", server.Port), result.Server);
        Assert.Equal(["EHLO test.com", "MAIL FROM:<admin@test.com> SIZE=" + result.Step(StepName.Mail).Command!.Split("SIZE=")[1], "RCPT TO:<alice@corp.test>", "DATA", "QUIT"], server.ReceivedCommands);
    }

    [Fact]
    public async Task FullSequence_Message_CarriesHeadersProbeIdAndBodyAndIsDotStuffed()
    {
        await using var server = ScriptedSmtpServer.Start();
        var plan = Probes.PlanFor(server) with
        {
            ProbeId = "probe-42",
            Message = new MessagePlan { Subject = "hello there", Body = "line one\n.starts with a dot\n.", Headers = new Dictionary<string, string> { ["X-Team"] = "mail ops" } },
        };

        var result = await Probes.RunAsync(plan);

        Assert.Equal(Verdict.Passed, result.Verdict);
        var message = Assert.Single(Assert.Single(server.Connections).Messages);
        Assert.Contains("From: admin@test.com", message);
        Assert.Contains("To: alice@corp.test", message);
        Assert.Contains("Subject: hello there", message);
        Assert.Contains("X-SmtpProbeHub-Probe-Id: probe-42", message);
        Assert.Contains("X-Team: mail ops", message);
        Assert.Contains("Message-Id: <", message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Date: ", message);
        Assert.Contains("\r\n..starts with a dot", message);
        Assert.EndsWith("\r\n..", message);
    }

    [Fact]
    public async Task Transcript_ReadsLikeTelnet_InOrderWithDirectionsAndRisingTimes()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Tls = TlsMode.None });

        var lines = result.Transcript;
        Assert.Contains(lines, l => l.Direction == TranscriptDirection.Info && l.Text.StartsWith($"Trying 127.0.0.1:{server.Port}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Direction == TranscriptDirection.Received && l.Text.StartsWith("220 scripted.test", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Direction == TranscriptDirection.Sent && l.Text == "EHLO test.com");
        Assert.Contains(lines, l => l.Direction == TranscriptDirection.Received && l.Text == "250-scripted.test Hello");
        Assert.Contains(lines, l => l.Direction == TranscriptDirection.Sent && l.Text == ".");
        Assert.Contains(lines, l => l.Direction == TranscriptDirection.Received && l.Text == "221 2.0.0 Bye");
        var sent = lines.Where(l => l.Direction == TranscriptDirection.Sent).Select(l => l.Text).ToList();
        Assert.True(sent.IndexOf("EHLO test.com") < sent.IndexOf("DATA") && sent.IndexOf("DATA") < sent.IndexOf("QUIT"));
        Assert.Equal(lines.Select(l => l.AtMs).Order(), lines.Select(l => l.AtMs));
    }

    [Fact]
    public async Task Observer_SeesEveryTranscriptLineAndStepAsTheyHappen()
    {
        await using var server = ScriptedSmtpServer.Start();
        var observer = new RecordingObserver();

        var result = await Probes.Runner().RunAsync(Probes.PlanFor(server), observer, TestContext.Current.CancellationToken);

        Assert.Equal(result.Transcript, observer.Transcript);
        Assert.Equal(result.Steps, observer.Steps);
    }

    [Fact]
    public async Task OneRunner_ManyConcurrentProbes_EachGetsItsOwnResult()
    {
        await using var server = ScriptedSmtpServer.Start();
        var runner = Probes.Runner();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            runner.RunAsync(Probes.PlanFor(server, $"user{i}@corp.test") with { ProbeId = $"p{i}" }, null, TestContext.Current.CancellationToken)));

        Assert.All(results, r => Assert.Equal(Verdict.Passed, r.Verdict));
        Assert.Equal(20, server.ConnectionCount);
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Contains(results[i].Transcript, t => t.Text == $"RCPT TO:<user{i}@corp.test>");
            Assert.Contains(results[i].Transcript, t => t.Text == $"X-SmtpProbeHub-Probe-Id: p{i}");
        }
    }

    [Fact]
    public void Runner_RefusesNonsenseEngineLimits()
    {
        Assert.Throws<ArgumentNullException>(() => new ProbeRunner(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProbeRunner(new ProbeEngineOptions { MaxReplyLineBytes = 10 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProbeRunner(new ProbeEngineOptions { MaxReplyLines = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProbeRunner(new ProbeEngineOptions { MaxBytesRead = 100 }));
    }

    [Fact]
    public async Task FailingObserver_DoesNotBreakTheProbe()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await Probes.Runner().RunAsync(Probes.PlanFor(server), new ThrowingObserver(), TestContext.Current.CancellationToken);

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.NotEmpty(result.Transcript);
    }

    private sealed class ThrowingObserver : IProbeObserver
    {
        public void OnTranscript(TranscriptEntry entry) => throw new InvalidOperationException("observer broke");
        public void OnStep(ProbeStep step) => throw new InvalidOperationException("observer broke");
    }

    private sealed class RecordingObserver : IProbeObserver
    {
        public List<TranscriptEntry> Transcript { get; } = [];
        public List<ProbeStep> Steps { get; } = [];
        public void OnTranscript(TranscriptEntry entry) => Transcript.Add(entry);
        public void OnStep(ProbeStep step) => Steps.Add(step);
    }
}
