using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Probe.Tests.Diagnostics;

/// <summary>Each refusal, at each step, against a scripted server: the failed step, the code, and a polite QUIT.</summary>
public sealed class ReplyDiagnosisTests
{
    public static TheoryData<string, string, StepName, string> Refusals => new()
    {
        { "BANNER", "554 5.7.1 mail.corp.test: your address is blocklisted", StepName.Banner, "banner.refused" },
        { "EHLO", "500 5.5.1 Command unrecognized", StepName.Helo, "helo.unrecognized" },
        { "MAIL", "500 5.5.1 Command unrecognized", StepName.Mail, "mail.unrecognized" },
        { "RCPT", "502 5.5.2 Command not implemented", StepName.Rcpt, "rcpt.unrecognized" },
        { "MAIL", "451 4.7.1 Greylisted, try again later", StepName.Mail, "mail.temporary" },
        { "MAIL", "553 5.1.8 Sender address rejected: Domain not found", StepName.Mail, "mail.sender_rejected" },
        { "MAIL", "552 5.3.4 Message size exceeds fixed limit", StepName.Mail, "message.too_large" },
        { "MAIL", "530 5.7.0 Must issue a STARTTLS command first", StepName.Mail, "auth.required" },
        // MAIL without AUTH where the server requires it.
        { "MAIL", "530 5.7.0 Authentication required", StepName.Mail, "auth.required" },
        { "RCPT", "550 5.1.1 <alice@corp.test>: Recipient address rejected: User unknown in local recipient table", StepName.Rcpt, "rcpt.unknown_user" },
        { "RCPT", "554 5.7.1 <alice@corp.test>: Relay access denied", StepName.Rcpt, "rcpt.relay_denied" },
        { "RCPT", "550 5.7.1 Unable to relay", StepName.Rcpt, "rcpt.relay_denied" },
        { "RCPT", "450 4.2.0 <alice@corp.test>: Recipient address rejected: Greylisted", StepName.Rcpt, "rcpt.temporary" },
        { "RCPT", "452 4.2.2 Mailbox full", StepName.Rcpt, "rcpt.mailbox_full" },
        { "RCPT", "550 Requested action not taken: mailbox unavailable", StepName.Rcpt, "rcpt.rejected" },
        { "DATA", "554 5.5.1 Error: no valid recipients", StepName.Data, "data.rejected" },
        { "DATA", "451 4.3.0 Error: queue file write error", StepName.Data, "data.temporary" },
        { SmtpScript.EndOfData, "552 5.3.4 Error: message file too big", StepName.Message, "message.too_large" },
        { SmtpScript.EndOfData, "554 5.7.1 Spam message rejected", StepName.Message, "message.rejected" },
        { SmtpScript.EndOfData, "451 4.3.0 Temporary failure", StepName.Message, "message.temporary" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refusal_IsRejected_WithItsDiagnosis_AndAPoliteQuit(string verb, string reply, StepName failedStep, string code)
    {
        await using var server = ScriptedSmtpServer.Start(s =>
        {
            if (verb == "BANNER")
            {
                s.Banner = ScriptedReply.Lines(reply);
            }
            else
            {
                s.On(verb, ScriptedReply.Lines(reply));
                if (verb == "EHLO")
                {
                    s.On("HELO", ScriptedReply.Lines(reply));
                }
            }
        });

        var result = await Probes.RunAsync(Probes.PlanFor(server));

        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Equal(failedStep, result.FailedStep);
        Assert.Equal(code, result.Diagnosis!.Code);
        Assert.False(string.IsNullOrWhiteSpace(result.Diagnosis.Hint));
        Assert.Contains(reply.Split(' ')[0], result.Diagnosis.Summary, StringComparison.Ordinal);
        Assert.Equal(StepOutcome.Rejected, result.Steps.Last(s => s.Name == failedStep).Outcome);
        Assert.Equal("QUIT", server.ReceivedCommands[^1]);
        Assert.Equal(1, server.ConnectionCount);
    }

    [Fact]
    public async Task Banner421_IsUnavailable_AndNoQuitIsSent()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.Banner = ScriptedReply.Lines("421 4.3.2 Service shutting down"));

        var result = await Probes.RunAsync(Probes.PlanFor(server));

        Assert.Equal("banner.unavailable", result.Diagnosis!.Code);
        Assert.Empty(server.ReceivedCommands);
    }

    [Fact]
    public async Task Reply421MidSession_IsServerClosing()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.On("MAIL", ScriptedReply.Lines("421 4.7.0 Too many errors, closing")));

        var result = await Probes.RunAsync(Probes.PlanFor(server));

        Assert.Equal(StepName.Mail, result.FailedStep);
        Assert.Equal("server.closing", result.Diagnosis!.Code);
        Assert.DoesNotContain("QUIT", server.ReceivedCommands);
    }

    [Fact]
    public async Task RejectedReply_IsNeverRetried()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.On("RCPT", ScriptedReply.Lines("450 4.2.0 Greylisted")));

        await Probes.RunAsync(Probes.PlanFor(server));

        Assert.Single(server.ReceivedCommands, c => c.StartsWith("RCPT", StringComparison.Ordinal));
        Assert.Equal(1, server.ConnectionCount);
    }

    [Fact]
    public async Task UnexpectedQuitReply_FailsTheQuitStep()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.On("QUIT", ScriptedReply.Lines("250 what?")));

        var result = await Probes.RunAsync(Probes.PlanFor(server));

        Assert.Equal(StepName.Quit, result.FailedStep);
        Assert.Equal("quit.unexpected_reply", result.Diagnosis!.Code);
    }
}
