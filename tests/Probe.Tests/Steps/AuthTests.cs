using System.Net;
using System.Text;
using System.Text.Json;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Serialization;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Probe.Tests.Steps;

public sealed class AuthTests
{
    private const string Password = "Tr0ub4dor&3-secret";

    private static ScriptedSmtpServer TlsServer(Action<SmtpScript>? more = null) => ScriptedSmtpServer.Start(s =>
    {
        s.Certificate = TestCertificates.CreateSelfSigned("mail.corp.test", null, null, IPAddress.Loopback);
        s.Credentials = ("alice", Password);
        more?.Invoke(s);
    });

    private static ProbePlan PlanWithAuth(ScriptedSmtpServer server, AuthMechanism mechanism, string password = Password, bool allowWithoutTls = false) =>
        Probes.PlanFor(server) with { Auth = new AuthPlan { Username = "alice", Password = password, Mechanism = mechanism, AllowWithoutTls = allowWithoutTls } };

    private static void AssertSecretNowhere(ProbeResult result, string secret)
    {
        var forms = new[] { secret, Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)), Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0alice\0{secret}")) };
        var json = JsonSerializer.Serialize(result, ProbeJson.Options);
        foreach (var form in forms)
        {
            Assert.DoesNotContain(form, json, StringComparison.Ordinal);
            Assert.DoesNotContain(result.Transcript, t => t.Text.Contains(form, StringComparison.Ordinal));
            Assert.DoesNotContain(result.Steps, s => (s.Command ?? "").Contains(form, StringComparison.Ordinal) || (s.Detail ?? "").Contains(form, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(secret, result.Diagnosis?.Summary ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_OverStartTls_Authenticates_AndThePasswordIsNowhereInTheResult()
    {
        await using var server = TlsServer();

        var result = await Probes.RunAsync(PlanWithAuth(server, AuthMechanism.Plain));

        Assert.Equal(Verdict.Passed, result.Verdict);
        var auth = result.Step(StepName.Auth);
        Assert.Equal(235, auth.Reply!.Code);
        Assert.Equal("AUTH PLAIN ***", auth.Command);
        // The secret did go to the server — only the record is masked.
        var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0alice\0{Password}"));
        Assert.Contains($"AUTH PLAIN {plain}", server.ReceivedLines);
        AssertSecretNowhere(result, Password);
    }

    [Fact]
    public async Task Login_OverStartTls_Authenticates_AndThePasswordIsNowhereInTheResult()
    {
        await using var server = TlsServer();

        var result = await Probes.RunAsync(PlanWithAuth(server, AuthMechanism.Login));

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal("AUTH LOGIN", result.Step(StepName.Auth).Command);
        Assert.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(Password)), server.ReceivedLines);
        Assert.Contains(result.Transcript, t => t.Direction == TranscriptDirection.Sent && t.Text == "***");
        AssertSecretNowhere(result, Password);
    }

    [Fact]
    public async Task WrongPassword_IsAuthFailed_AndStillRedacted()
    {
        await using var server = TlsServer();

        var result = await Probes.RunAsync(PlanWithAuth(server, AuthMechanism.Plain, password: "wrong-Secret-99"));

        Assert.Equal(StepName.Auth, result.FailedStep);
        Assert.Equal("auth.failed", result.Diagnosis!.Code);
        Assert.Equal(535, result.Step(StepName.Auth).Reply!.Code);
        Assert.Equal("QUIT", server.ReceivedCommands[^1]);
        AssertSecretNowhere(result, "wrong-Secret-99");
    }

    [Fact]
    public async Task ServerEchoingTheSecret_IsMaskedInTranscriptAndReply()
    {
        await using var server = TlsServer(s => s.On("AUTH", ScriptedReply.Lines($"535 5.7.8 password {Password} is wrong")));

        var result = await Probes.RunAsync(PlanWithAuth(server, AuthMechanism.Plain));

        Assert.Equal("auth.failed", result.Diagnosis!.Code);
        Assert.Contains("***", result.Step(StepName.Auth).Reply!.Text, StringComparison.Ordinal);
        AssertSecretNowhere(result, Password);
    }

    [Fact]
    public async Task WithoutTls_CredentialsAreNotSent()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.Credentials = ("alice", Password));

        var result = await Probes.RunAsync(PlanWithAuth(server, AuthMechanism.Plain) with { Tls = TlsMode.None });

        Assert.Equal(StepName.Auth, result.FailedStep);
        Assert.Equal("auth.requires_tls", result.Diagnosis!.Code);
        Assert.DoesNotContain(server.ReceivedLines, l => l.StartsWith("AUTH", StringComparison.Ordinal));
        Assert.Equal(["EHLO test.com", "QUIT"], server.ReceivedCommands);
    }

    [Fact]
    public async Task WithoutTls_AllowedExplicitly_Authenticates()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.Credentials = ("alice", Password));

        var result = await Probes.RunAsync(PlanWithAuth(server, AuthMechanism.Login, allowWithoutTls: true) with { Tls = TlsMode.None });

        Assert.Equal(Verdict.Passed, result.Verdict);
        AssertSecretNowhere(result, Password);
    }

    [Fact]
    public async Task MechanismNotOffered_IsNotSent()
    {
        await using var server = TlsServer(s => s.AuthMechanisms.Remove("LOGIN"));

        var result = await Probes.RunAsync(PlanWithAuth(server, AuthMechanism.Login));

        Assert.Equal("auth.not_offered", result.Diagnosis!.Code);
        Assert.DoesNotContain(server.ReceivedLines, l => l.StartsWith("AUTH", StringComparison.Ordinal));
    }
}
