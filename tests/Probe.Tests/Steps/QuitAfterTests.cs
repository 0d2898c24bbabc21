using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Probe.Tests.Steps;

public sealed class QuitAfterTests
{
    [Fact]
    public async Task QuitAfterRcpt_SendsNoData_AndStillQuits()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { QuitAfter = StepName.Rcpt });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal(["EHLO test.com", server.ReceivedCommands[1], "RCPT TO:<alice@corp.test>", "QUIT"], server.ReceivedCommands);
        Assert.Equal(StepName.Quit, result.Steps[^1].Name);
        Assert.Equal(221, result.Steps[^1].Reply!.Code);
        Assert.Empty(server.Connections[0].Messages);
    }

    [Theory]
    [InlineData(StepName.Banner, new[] { "QUIT" })]
    [InlineData(StepName.Ehlo, new[] { "EHLO test.com", "QUIT" })]
    [InlineData(StepName.Helo, new[] { "EHLO test.com", "QUIT" })]
    [InlineData(StepName.Starttls, new[] { "EHLO test.com", "QUIT" })]
    [InlineData(StepName.Auth, new[] { "EHLO test.com", "QUIT" })]
    public async Task QuitAfterEarlySteps_StopsThereAndQuits(StepName quitAfter, string[] expected)
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { QuitAfter = quitAfter });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal(expected, server.ReceivedCommands);
    }

    [Fact]
    public async Task QuitAfterData_HangsUpAfter354_SendingNoMessage()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { QuitAfter = StepName.Data });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal(354, result.Steps[^1].Reply!.Code);
        Assert.Equal("DATA", server.ReceivedCommands[^1]);
        await server.WaitForIdleAsync(TimeSpan.FromSeconds(5));
        Assert.Empty(server.Connections[0].Messages);
    }

    [Fact]
    public async Task QuitAfterResolve_NeverConnects()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { QuitAfter = StepName.Resolve });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal([StepName.Resolve], result.Steps.Select(s => s.Name));
        Assert.Equal(0, server.ConnectionCount);
    }

    [Fact]
    public async Task QuitAfterConnect_HangsUpBeforeTheGreeting_WithoutQuit()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { QuitAfter = StepName.Connect });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal([StepName.Resolve, StepName.Connect], result.Steps.Select(s => s.Name));
        Assert.Contains(result.Transcript, t => t.Text == "quitAfter connect: stopping before banner");
    }

    [Fact]
    public async Task QuitAfterConnect_WithImplicitTls_StopsBeforeTheHandshake()
    {
        var certificate = TestCertificates.CreateSelfSigned("mail.corp.test", null, null, System.Net.IPAddress.Loopback);
        await using var server = ScriptedSmtpServer.Start(s => { s.Certificate = certificate; s.ImplicitTls = true; });

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Tls = TlsMode.Implicit, QuitAfter = StepName.Connect });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal([StepName.Resolve, StepName.Connect], result.Steps.Select(s => s.Name));
        Assert.Null(result.Tls);
    }

    [Fact]
    public async Task QuitAfterBanner_WithImplicitTls_HandshakesAndReadsTheGreeting_ThenQuits()
    {
        var certificate = TestCertificates.CreateSelfSigned("mail.corp.test", null, null, System.Net.IPAddress.Loopback);
        await using var server = ScriptedSmtpServer.Start(s => { s.Certificate = certificate; s.ImplicitTls = true; });

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Tls = TlsMode.Implicit, QuitAfter = StepName.Banner });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal([StepName.Resolve, StepName.Connect, StepName.Starttls, StepName.Banner, StepName.Quit], result.Steps.Select(s => s.Name));
        Assert.Equal(["QUIT"], server.ReceivedCommands);
    }

    [Fact]
    public async Task QuitAfterMail_SendsNoRecipient_AndQuits()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { QuitAfter = StepName.Mail });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal([StepName.Resolve, StepName.Connect, StepName.Banner, StepName.Ehlo, StepName.Starttls, StepName.Mail, StepName.Quit], result.Steps.Select(s => s.Name));
        Assert.DoesNotContain(server.ReceivedCommands, c => c.StartsWith("RCPT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QuitAfterMessage_IsTheWholeSequence()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { QuitAfter = StepName.Message });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal(StepName.Message, result.Steps[^2].Name);
        Assert.Equal(221, result.Steps[^1].Reply!.Code);
        Assert.Single(server.Connections[0].Messages);
    }
}
