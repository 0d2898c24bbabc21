using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Probe.Tests.Steps;

public sealed class EnvelopeTests
{
    private static readonly DsnPlan Dsn = new() { Notify = [DsnNotify.Success, DsnNotify.Failure], Ret = DsnRet.Hdrs, EnvId = "probe+1=x" };

    [Fact]
    public async Task Dsn_Advertised_SendsRetEnvIdAndNotify()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await Probes.RunAsync(Probes.PlanFor(server, "alice@corp.test", "bob@corp.test") with { Dsn = Dsn });

        Assert.Equal(Verdict.Passed, result.Verdict);
        var mail = Assert.Single(server.ReceivedCommands, c => c.StartsWith("MAIL", StringComparison.Ordinal));
        Assert.Matches(@"^MAIL FROM:<admin@test\.com> SIZE=\d+ RET=HDRS ENVID=probe\+2B1\+3Dx$", mail);
        Assert.Equal(
            ["RCPT TO:<alice@corp.test> NOTIFY=SUCCESS,FAILURE", "RCPT TO:<bob@corp.test> NOTIFY=SUCCESS,FAILURE"],
            server.ReceivedCommands.Where(c => c.StartsWith("RCPT", StringComparison.Ordinal)));
        Assert.All(result.Steps.Where(s => s.Name is StepName.Mail or StepName.Rcpt), s => Assert.Null(s.Detail));
    }

    [Fact]
    public async Task Dsn_NotAdvertised_OmitsTheParameters_AndTheStepsSaySo()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.Capabilities.Remove("DSN"));

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Dsn = Dsn });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.DoesNotContain(server.ReceivedCommands, c => c.Contains("NOTIFY=", StringComparison.Ordinal) || c.Contains("RET=", StringComparison.Ordinal) || c.Contains("ENVID=", StringComparison.Ordinal));
        Assert.Contains("does not advertise DSN", result.Step(StepName.Mail).Detail, StringComparison.Ordinal);
        Assert.Contains("NOTIFY=SUCCESS,FAILURE not sent", result.Step(StepName.Rcpt).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dsn_ReturnPath_IsTheMailFrom_AndFromStaysTheHeader()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Dsn = Dsn with { ReturnPath = "probe+run.tag@returns.test" } });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.StartsWith("MAIL FROM:<probe+run.tag@returns.test> ", Assert.Single(server.ReceivedCommands, c => c.StartsWith("MAIL", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains(result.Transcript, t => t.Direction == TranscriptDirection.Sent && t.Text == "From: admin@test.com");
    }

    [Fact]
    public async Task Size_NotAdvertised_IsNotSent()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.Capabilities.Remove("SIZE 10240000"));

        await Probes.RunAsync(Probes.PlanFor(server));

        Assert.Contains("MAIL FROM:<admin@test.com>", server.ReceivedCommands);
    }

    [Fact]
    public async Task NullSender_IsSentAsEmptyPath()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.Capabilities.Clear());

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { From = "" });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Contains("MAIL FROM:<>", server.ReceivedCommands);
    }

    [Fact]
    public async Task OneRecipientRejected_OthersAccepted_StillSendsData_ButFails()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.On("RCPT", line => line.Contains("ghost", StringComparison.Ordinal)
            ? ScriptedReply.Lines("550 5.1.1 <ghost@corp.test>: Recipient address rejected: User unknown in local recipient table")
            : null));

        var result = await Probes.RunAsync(Probes.PlanFor(server, "alice@corp.test", "ghost@corp.test", "bob@corp.test"));

        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Equal(StepName.Rcpt, result.FailedStep);
        Assert.Equal("rcpt.unknown_user", result.Diagnosis!.Code);
        Assert.Contains("ghost@corp.test", result.Diagnosis.Summary, StringComparison.Ordinal);
        Assert.Equal([StepOutcome.Ok, StepOutcome.Rejected, StepOutcome.Ok], result.Steps.Where(s => s.Name == StepName.Rcpt).Select(s => s.Outcome));
        Assert.Contains("DATA", server.ReceivedCommands);
        Assert.Single(server.Connections[0].Messages);
        Assert.Equal("4ABC123DEF", result.QueueId);
    }

    [Fact]
    public async Task AllRecipientsRejected_NoData_StillQuits()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.On("RCPT", ScriptedReply.Lines("550 5.1.1 User unknown")));

        var result = await Probes.RunAsync(Probes.PlanFor(server, "x@corp.test", "y@corp.test"));

        Assert.Equal("rcpt.unknown_user", result.Diagnosis!.Code);
        Assert.DoesNotContain("DATA", server.ReceivedCommands);
        Assert.Equal("QUIT", server.ReceivedCommands[^1]);
        Assert.Equal(2, result.Steps.Count(s => s.Name == StepName.Rcpt));
    }

    [Fact]
    public async Task NonAsciiAddress_WithoutSmtpUtf8_IsRefusedBeforeMail()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.Capabilities.Remove("SMTPUTF8"));

        var result = await Probes.RunAsync(Probes.PlanFor(server, "jörg@corp.test"));

        Assert.Equal(StepName.Mail, result.FailedStep);
        Assert.Equal("input.smtputf8_unsupported", result.Diagnosis!.Code);
        Assert.Equal(["EHLO test.com", "QUIT"], server.ReceivedCommands);
    }

    [Fact]
    public async Task NonAsciiAddress_WithSmtpUtf8_SendsTheParameterAndPasses()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await Probes.RunAsync(Probes.PlanFor(server, "jörg@bücher.test"));

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Contains(server.ReceivedCommands, c => c.StartsWith("MAIL FROM:<admin@test.com>", StringComparison.Ordinal) && c.EndsWith(" SMTPUTF8", StringComparison.Ordinal));
        Assert.Contains("RCPT TO:<jörg@bücher.test>", server.ReceivedCommands);
    }
}
