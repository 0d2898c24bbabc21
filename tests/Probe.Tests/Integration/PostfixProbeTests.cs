using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.TestSupport.Postfix;

namespace SmtpProbeHub.Probe.Tests.Integration;

/// <summary>The engine runs the KB 153119 sequence against a real Postfix.</summary>
public sealed class PostfixProbeTests(PostfixInstance postfix)
{
    private static readonly TimeSpan LogWait = TimeSpan.FromSeconds(10);

    private ProbePlan Plan(string to, string helo) => new()
    {
        To = [to],
        Server = postfix.Host,
        Port = postfix.Port,
        Helo = helo,
        Timeouts = new ProbeTimeouts { TotalSeconds = 30 },
    };

    private static string UniqueHelo() => $"it-{Guid.NewGuid():n}.test";

    private static Task<ProbeResult> RunAsync(ProbePlan plan) =>
        Probes.Runner().RunAsync(plan, cancellationToken: TestContext.Current.CancellationToken);

    private static IEnumerable<string> Sent(ProbeResult result) =>
        result.Transcript.Where(t => t.Direction == TranscriptDirection.Sent).Select(t => t.Text);

    [Fact]
    public async Task FullSequence_WithoutTls_Replies220To221_QueuedInPostfix_Passed()
    {
        var helo = UniqueHelo();

        var result = await RunAsync(Plan(postfix.KnownRecipient, helo) with { Tls = TlsMode.None });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Null(result.FailedStep);
        Assert.Null(result.Diagnosis);
        Assert.Equal([220, 250, 250, 250, 354, 250, 221], result.Steps.Where(s => s.Reply is not null).Select(s => s.Reply!.Code));
        Assert.Equal(
            [StepName.Banner, StepName.Ehlo, StepName.Mail, StepName.Rcpt, StepName.Data, StepName.Message, StepName.Quit],
            result.Steps.Where(s => s.Reply is not null).Select(s => s.Name));
        var message = result.Steps.Single(s => s.Name == StepName.Message);
        Assert.Matches(@"^2\.0\.0 Ok: queued as [0-9A-F]+$", message.Reply!.Text);
        Assert.NotNull(result.QueueId);
        Assert.EndsWith($"queued as {result.QueueId}", message.Reply.Text);
        Assert.Equal("221", result.Transcript.Last(t => t.Direction == TranscriptDirection.Received).Text[..3]);
        Assert.Equal(new ServerEndpoint(postfix.Host, "127.0.0.1", postfix.Port), result.Server);

        // Postfix really queued it under that id, from this very session.
        var session = await postfix.Log.WaitForSessionAsync(helo, LogWait);
        Assert.Contains(session.Lines, l => l.Contains($"{result.QueueId}: client=", StringComparison.Ordinal));
        Assert.Equal("ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5", session.Commands);
    }

    [Fact]
    public async Task Rcpt_UnknownUser_Rejected550_511_DiagnosedAsUnknownUser_NoData()
    {
        var result = await RunAsync(Plan(postfix.UnknownRecipient, UniqueHelo()));

        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Equal(StepName.Rcpt, result.FailedStep);
        var rcpt = result.Steps.Single(s => s.Name == StepName.Rcpt);
        Assert.Equal(StepOutcome.Rejected, rcpt.Outcome);
        Assert.Equal(550, rcpt.Reply!.Code);
        Assert.Equal("5.1.1", rcpt.Reply.EnhancedCode);
        Assert.Contains("User unknown in local recipient table", rcpt.Reply.Text);
        Assert.Equal("rcpt.unknown_user", result.Diagnosis!.Code);
        Assert.False(string.IsNullOrWhiteSpace(result.Diagnosis.Hint));
        Assert.DoesNotContain("DATA", Sent(result));
        Assert.Equal("QUIT", Sent(result).Last());
    }

    [Fact]
    public async Task Rcpt_ForeignDomain_Rejected554_571_DiagnosedAsRelayDenied()
    {
        var result = await RunAsync(Plan("someone@elsewhere.test", UniqueHelo()));

        Assert.Equal(StepName.Rcpt, result.FailedStep);
        Assert.Equal(554, result.Steps.Single(s => s.Name == StepName.Rcpt).Reply!.Code);
        Assert.Equal("rcpt.relay_denied", result.Diagnosis!.Code);
    }

    [Fact]
    public async Task QuitAfterRcpt_SendsNoData_PostfixLogShowsNoData()
    {
        var helo = UniqueHelo();

        var result = await RunAsync(Plan(postfix.KnownRecipient, helo) with { QuitAfter = StepName.Rcpt });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.DoesNotContain("DATA", Sent(result));
        Assert.Equal("QUIT", Sent(result).Last());
        Assert.DoesNotContain(result.Steps, s => s.Name is StepName.Data or StepName.Message && s.Outcome != StepOutcome.Skipped);
        Assert.Null(result.QueueId);
        var session = await postfix.Log.WaitForSessionAsync(helo, LogWait);
        Assert.False(session.Received("data"), session.Commands);
        Assert.True(session.Received("rcpt"), session.Commands);
        Assert.True(session.Received("quit"), session.Commands);
    }

    [Fact]
    public async Task Dsn_NotifySuccessFailure_AdvertisedAndAcceptedByPostfix()
    {
        var result = await RunAsync(Plan(postfix.KnownRecipient, UniqueHelo()) with { Dsn = new DsnPlan { Ret = DsnRet.Hdrs, EnvId = "probe-env-1" } });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.True(result.Capabilities!.Dsn);
        Assert.Contains(Sent(result), l => l.StartsWith("RCPT TO:<", StringComparison.Ordinal) && l.Contains("NOTIFY=SUCCESS,FAILURE", StringComparison.Ordinal));
        Assert.Contains(Sent(result), l => l.StartsWith("MAIL FROM:", StringComparison.Ordinal) && l.Contains("RET=HDRS", StringComparison.Ordinal) && l.Contains("ENVID=probe-env-1", StringComparison.Ordinal));
        var rcpt = result.Steps.Single(s => s.Name == StepName.Rcpt);
        Assert.Equal((StepOutcome.Ok, 250), (rcpt.Outcome, rcpt.Reply!.Code));
    }
}
