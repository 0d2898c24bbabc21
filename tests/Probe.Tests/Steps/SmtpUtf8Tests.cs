using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Probe.Tests.Steps;

/// <summary>
/// Nothing non-ASCII reaches the wire unless the server advertised SMTPUTF8: the HELO name goes out in A-labels
/// (EHLO comes before the server can say anything), and a non-ASCII address or AUTH user name is not sent to a server
/// without SMTPUTF8.
/// </summary>
public sealed class SmtpUtf8Tests
{
    private static ScriptedSmtpServer Server(bool smtpUtf8, (string User, string Password)? credentials = null) => ScriptedSmtpServer.Start(s =>
    {
        if (!smtpUtf8)
        {
            s.Capabilities.Remove("SMTPUTF8");
        }

        s.Credentials = credentials;
    });

    private static async Task<(ProbeResult Result, ScriptedConnection Peer)> ProbeAsync(ScriptedSmtpServer server, ProbePlan plan)
    {
        var result = await Probes.RunAsync(plan with { Tls = TlsMode.None });
        await server.WaitForIdleAsync(TimeSpan.FromSeconds(5));
        return (result, Assert.Single(server.Connections));
    }

    private static void AssertAsciiOnly(ScriptedConnection peer) =>
        Assert.True(peer.ReceivedBytes.All(b => b < 0x80), "a non-ASCII byte reached a server without SMTPUTF8");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task InternationalizedHelo_IsSentInALabels_BeforeAndAfterSmtpUtf8IsKnown(bool smtpUtf8)
    {
        await using var server = Server(smtpUtf8);

        var (result, peer) = await ProbeAsync(server, Probes.PlanFor(server) with { Helo = "bücher.test" });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal("EHLO xn--bcher-kva.test", peer.Commands[0]);
        Assert.Contains(result.Transcript, t => t is { Direction: TranscriptDirection.Sent, Text: "EHLO xn--bcher-kva.test" });
        Assert.Matches("(?i)Message-Id: <[^>]+@xn--bcher-kva\\.test>", Assert.Single(peer.Messages));
        AssertAsciiOnly(peer);
    }

    [Fact]
    public async Task InternationalizedHelo_RefusedByEhlo_IsSentInALabelsWithHeloToo()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.On("EHLO", ScriptedReply.Lines("502 5.5.2 Error: command not recognized")));

        var (result, peer) = await ProbeAsync(server, Probes.PlanFor(server) with { Helo = "bücher.test" });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal(["EHLO xn--bcher-kva.test", "HELO xn--bcher-kva.test"], peer.Commands.Take(2));
    }

    [Fact]
    public async Task NonAsciiSender_WithoutSmtpUtf8_IsRefusedBeforeMail()
    {
        await using var server = Server(smtpUtf8: false);

        var (result, peer) = await ProbeAsync(server, Probes.PlanFor(server) with { From = "jörg@bücher.test" });

        Assert.Equal(StepName.Mail, result.FailedStep);
        Assert.Equal("input.smtputf8_unsupported", result.Diagnosis!.Code);
        Assert.Equal(["EHLO test.com", "QUIT"], peer.Commands);
        AssertAsciiOnly(peer);
    }

    [Fact]
    public async Task NonAsciiAuthUser_WithoutSmtpUtf8_IsNotSent()
    {
        await using var server = Server(smtpUtf8: false, credentials: ("jörg", "pw-123456"));
        var auth = new AuthPlan { Username = "jörg", Password = "pw-123456", AllowWithoutTls = true };

        var (result, peer) = await ProbeAsync(server, Probes.PlanFor(server) with { Auth = auth });

        Assert.Equal(StepName.Auth, result.FailedStep);
        Assert.Equal("input.smtputf8_unsupported", result.Diagnosis!.Code);
        Assert.Contains("AUTH user name", result.Diagnosis.Summary, StringComparison.Ordinal);
        Assert.Equal(["EHLO test.com", "QUIT"], peer.Commands);
        AssertAsciiOnly(peer);
    }

    [Theory]
    [InlineData(AuthMechanism.Plain)]
    [InlineData(AuthMechanism.Login)]
    public async Task NonAsciiAuthUser_WithSmtpUtf8_Authenticates(AuthMechanism mechanism)
    {
        await using var server = Server(smtpUtf8: true, credentials: ("jörg", "pw-123456"));
        var auth = new AuthPlan { Username = "jörg", Password = "pw-123456", Mechanism = mechanism, AllowWithoutTls = true };

        var (result, _) = await ProbeAsync(server, Probes.PlanFor(server) with { Auth = auth });

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal(235, result.Step(StepName.Auth).Reply!.Code);
    }

    [Fact]
    public async Task EverythingNonAscii_AgainstAServerWithoutSmtpUtf8_PutsOnlyAsciiOnTheWire()
    {
        await using var server = Server(smtpUtf8: false);
        var plan = Probes.PlanFor(server) with
        {
            Helo = "bücher.test",
            Message = new MessagePlan { Subject = "Grüße", Body = "Schöne Grüße\n你好", Headers = new Dictionary<string, string> { ["X-Team"] = "Müller" } },
            Dsn = new DsnPlan { EnvId = "env-1" },
        };

        var (result, peer) = await ProbeAsync(server, plan);

        Assert.Equal(Verdict.Passed, result.Verdict);
        AssertAsciiOnly(peer);
    }
}
