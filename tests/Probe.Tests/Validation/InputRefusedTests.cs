using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Probe.Tests.Validation;

public sealed class InputRefusedTests
{
    public static TheoryData<string> Injections => new()
    {
        "to", "from", "helo", "subject", "header",
    };

    [Theory]
    [MemberData(nameof(Injections))]
    public async Task Injection_IsRefusedBeforeConnecting_NothingIsSent(string where)
    {
        await using var server = ScriptedSmtpServer.Start();
        var plan = Probes.PlanFor(server);
        const string evil = "x\r\nRCPT TO:<victim@corp.test>";
        plan = where switch
        {
            "to" => plan with { To = ["alice@corp.test" + evil] },
            "from" => plan with { From = "admin@test.com" + evil },
            "helo" => plan with { Helo = "test.com" + evil },
            "subject" => plan with { Message = new MessagePlan { Subject = evil } },
            _ => plan with { Message = new MessagePlan { Headers = new Dictionary<string, string> { ["X-Evil"] = evil } } },
        };

        var result = await Probes.RunAsync(plan);

        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Equal("input.invalid", result.Diagnosis!.Code);
        Assert.Empty(result.Steps);
        Assert.DoesNotContain(result.Transcript, t => t.Direction is TranscriptDirection.Sent or TranscriptDirection.Received);
        Assert.Equal(0, server.ConnectionCount);
    }

    [Fact]
    public async Task InvalidInput_SummaryNamesTheField()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { To = ["ok@corp.test", "not an address"] });

        Assert.Contains("to[1]", result.Diagnosis!.Summary, StringComparison.Ordinal);
        Assert.Null(result.FailedStep);
        Assert.Equal(0, server.ConnectionCount);
    }
}
