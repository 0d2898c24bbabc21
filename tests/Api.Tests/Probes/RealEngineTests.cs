using System.Net;
using SmtpProbeHub.Api.Tests.Support;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Api.Tests.Probes;

/// <summary>The hub with its real built-in agent (the engine) against a scripted SMTP server on loopback.</summary>
public sealed class RealEngineTests
{
    [Fact]
    public async Task KbSequence_ThroughTheBuiltInAgent_PassesWithTheKbReplyCodes()
    {
        await using var smtp = ScriptedSmtpServer.Start();
        await using var hub = new HubFactory();

        var response = await hub.CreateClient().PostJsonAsync("/api/v1/probes?wait=30",
            $$"""{"server":"127.0.0.1","port":{{smtp.Port}},"tls":"none","from":"admin@test.com","to":["alice@corp.test"]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var run = (await response.JsonAsync()).GetProperty("runs")[0];
        Assert.Equal("passed", run.GetProperty("verdict").GetString());
        var replied = run.GetProperty("steps").EnumerateArray().Where(s => s.GetProperty("reply").ValueKind != System.Text.Json.JsonValueKind.Null);
        Assert.Equal([220, 250, 250, 250, 354, 250, 221], replied.Select(s => s.GetProperty("reply").GetProperty("code").GetInt32()));
        Assert.Contains(run.GetProperty("transcript").EnumerateArray(), t => t.GetProperty("text").GetString()!.StartsWith("MAIL FROM:<admin@test.com>", StringComparison.Ordinal));
        Assert.Equal(1, smtp.ConnectionCount);
    }

    [Fact]
    public async Task RcptRejected_IsACompletedRunWithVerdictFailedAndDiagnosis()
    {
        await using var smtp = ScriptedSmtpServer.Start(s => s.On("RCPT", ScriptedReply.Lines("550 5.1.1 <nobody@corp.test>: Recipient address rejected: User unknown")));
        await using var hub = new HubFactory();

        var response = await hub.CreateClient().PostJsonAsync("/api/v1/probes?wait=30",
            $$"""{"server":"127.0.0.1","port":{{smtp.Port}},"tls":"none","to":["nobody@corp.test"]}""");

        var run = (await response.JsonAsync()).GetProperty("runs")[0];
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal("failed", run.GetProperty("verdict").GetString());
        Assert.Equal("rcpt", run.GetProperty("failedStep").GetString());
        Assert.False(string.IsNullOrEmpty(run.GetProperty("diagnosis").GetProperty("code").GetString()));
    }

    [Fact]
    public async Task CrLfInjection_Returns400_AndNoConnectionReachesTheServer()
    {
        await using var smtp = ScriptedSmtpServer.Start();
        await using var hub = new HubFactory();
        var client = hub.CreateClient();

        var response = await client.PostJsonAsync("/api/v1/probes?wait=5",
            $$"""{"server":"127.0.0.1","port":{{smtp.Port}},"from":"a@b.c\r\nRCPT TO:<x@y.z>","to":["alice@corp.test"]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("from", out _));
        Assert.Equal(0, (await (await client.GetAsync("/api/v1/probes", TestContext.Current.CancellationToken)).JsonAsync()).GetProperty("total").GetInt32());
        // A valid probe to the same server afterwards: once it has ended, the server has seen its one connection and no other.
        var valid = await client.PostJsonAsync("/api/v1/probes?wait=30",
            $$"""{"server":"127.0.0.1","port":{{smtp.Port}},"tls":"none","to":["alice@corp.test"]}""");
        Assert.Equal("passed", (await valid.JsonAsync()).GetProperty("runs")[0].GetProperty("verdict").GetString());
        Assert.Equal(1, smtp.ConnectionCount);
    }
}
