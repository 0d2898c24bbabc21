using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Probe.Tests.Steps;

public sealed class EhloTests
{
    [Fact]
    public async Task Ehlo_Refused_FallsBackToHelo_AndPasses()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.On("EHLO", ScriptedReply.Lines("502 5.5.2 Error: command not recognized")));

        var result = await Probes.RunAsync(Probes.PlanFor(server));

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal(StepOutcome.Rejected, result.Step(StepName.Ehlo).Outcome);
        Assert.Contains("HELO", result.Step(StepName.Ehlo).Detail, StringComparison.Ordinal);
        Assert.Equal(StepOutcome.Ok, result.Step(StepName.Helo).Outcome);
        Assert.Equal(["EHLO test.com", "HELO test.com", "MAIL FROM:<admin@test.com>", "RCPT TO:<alice@corp.test>", "DATA", "QUIT"], server.ReceivedCommands);
        Assert.False(result.Capabilities!.Dsn);
        Assert.Empty(result.Capabilities.Keywords);
    }

    [Fact]
    public async Task EhloAndHelo_BothRefused_FailsAtHelo()
    {
        await using var server = ScriptedSmtpServer.Start(s => s
            .On("EHLO", ScriptedReply.Lines("550 5.7.1 go away"))
            .On("HELO", ScriptedReply.Lines("550 5.7.1 go away")));

        var result = await Probes.RunAsync(Probes.PlanFor(server));

        Assert.Equal(StepName.Helo, result.FailedStep);
        Assert.Equal("helo.rejected", result.Diagnosis!.Code);
        Assert.Equal("QUIT", server.ReceivedCommands[^1]);
    }

    [Fact]
    public async Task Ehlo_TemporaryRefusal_DoesNotFallBack()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.On("EHLO", ScriptedReply.Lines("451 4.3.0 try later")));

        var result = await Probes.RunAsync(Probes.PlanFor(server));

        Assert.Equal(StepName.Ehlo, result.FailedStep);
        Assert.Equal("ehlo.temporary", result.Diagnosis!.Code);
        Assert.DoesNotContain("HELO test.com", server.ReceivedCommands);
    }

    [Fact]
    public async Task Capabilities_AreParsed()
    {
        await using var server = ScriptedSmtpServer.Start(s =>
        {
            s.Capabilities.Clear();
            s.Capabilities.AddRange(["PIPELINING", "SIZE 35882577", "8BITMIME", "AUTH=LOGIN", "AUTH PLAIN LOGIN XOAUTH2", "ENHANCEDSTATUSCODES", "DSN", "SMTPUTF8", "CHUNKING", "X-CUSTOM thing"]);
        });

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { QuitAfter = StepName.Ehlo });

        var c = result.Capabilities!;
        Assert.Equal("scripted.test", c.ServerName);
        Assert.Equal(35882577, c.Size);
        Assert.True(c.Pipelining && c.EightBitMime && c.EnhancedStatusCodes && c.Dsn && c.SmtpUtf8 && c.Chunking);
        Assert.False(c.StartTls);
        Assert.Equal(["LOGIN", "PLAIN", "XOAUTH2"], c.AuthMechanisms);
        Assert.Contains("X-CUSTOM thing", c.Keywords);
        Assert.Contains("SIZE 35882577", c.Keywords);
    }
}
