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
}
