using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Serialization;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Probe.Tests.Steps;

/// <summary>
/// AUTH secrets neither leak nor corrupt: the lines the probe sends with them are masked, a server echoing them
/// back in clear, upper case, hex or base64 is masked, and nothing else in the result changes.
/// </summary>
public sealed class RedactionTests
{
    private const string Password = "Tr0ub4dor&3-secret";

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Json(ProbeResult result) => JsonSerializer.Serialize(result, ProbeJson.Options);

    private static ProbePlan Plan(ScriptedSmtpServer server, string password, AuthMechanism mechanism = AuthMechanism.Plain) =>
        Probes.PlanFor(server) with
        {
            Tls = TlsMode.None,
            Auth = new AuthPlan { Username = "alice", Password = password, Mechanism = mechanism, AllowWithoutTls = true },
        };

    [Theory]
    [InlineData(AuthMechanism.Plain)]
    [InlineData(AuthMechanism.Login)]
    public async Task OneCharacterPassword_LeavesRepliesAndTheMessageIntact_AndTheSentSecretMasked(AuthMechanism mechanism)
    {
        await using var server = ScriptedSmtpServer.Start(s => s.Credentials = ("alice", "2"));
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 2, 12, 22, TimeSpan.Zero));

        var result = await new ProbeRunner(Probes.Loopback, clock).RunAsync(Plan(server, "2", mechanism), null, TestContext.Current.CancellationToken);

        Assert.Equal(Verdict.Passed, result.Verdict);
        var auth = result.Step(StepName.Auth);
        Assert.Equal(["2.7.0 Authentication successful"], auth.Reply!.Lines);
        Assert.Contains(result.Transcript, t => t is { Direction: TranscriptDirection.Received, Text: "235 2.7.0 Authentication successful" });
        Assert.Contains(result.Transcript, t => t is { Direction: TranscriptDirection.Received, Text: "220 scripted.test ESMTP Scripted" });
        Assert.Contains(result.Transcript, t => t is { Direction: TranscriptDirection.Sent, Text: "Date: Wed, 02 Dec 2026 02:12:22 +0000" });
        Assert.Equal("2.0.0 Ok: queued as 4ABC123DEF", result.Step(StepName.Message).Reply!.Text);
        Assert.DoesNotContain(result.Transcript, t => t.Text.Contains("***35", StringComparison.Ordinal) || t.Text.Contains("***.", StringComparison.Ordinal));
        if (mechanism == AuthMechanism.Plain)
        {
            Assert.Equal("AUTH PLAIN ***", auth.Command);
            Assert.Contains(result.Transcript, t => t is { Direction: TranscriptDirection.Sent, Text: "AUTH PLAIN ***" });
            Assert.DoesNotContain(B64("\0alice\02"), Json(result), StringComparison.Ordinal);
            Assert.Contains($"AUTH PLAIN {B64("\0alice\02")}", server.ReceivedLines);
        }
        else
        {
            Assert.Equal("AUTH LOGIN", auth.Command);
            Assert.Contains(result.Transcript, t => t is { Direction: TranscriptDirection.Sent, Text: "***" });
            Assert.DoesNotContain(result.Transcript, t => t.Direction == TranscriptDirection.Sent && t.Text == B64("2"));
            Assert.Contains(B64("2"), server.ReceivedLines);
        }
    }

    /// <summary>Every form in which a server might echo the credentials it got.</summary>
    private static readonly string[] Forms =
    [
        Password,
        Password.ToUpperInvariant(),
        Password.ToLowerInvariant(),
        Convert.ToHexString(Encoding.UTF8.GetBytes(Password)),
        Convert.ToHexString(Encoding.UTF8.GetBytes(Password)).ToLowerInvariant(),
        B64(Password),
        B64("\0alice\0" + Password),
        B64("alice:" + Password),
    ];

    [Fact]
    public async Task ServerEchoingTheCredentials_InClearUpperCaseHexAndBase64_LeavesNoneOfItInTheResult()
    {
        var echo = Forms.Select((form, i) => $"535-5.7.8 echo {i}: {form} (as received)").Append("535 5.7.8 Error: authentication failed").ToArray();
        await using var server = ScriptedSmtpServer.Start(s =>
        {
            s.Credentials = ("alice", Password);
            s.On("AUTH", ScriptedReply.Lines(echo));
        });

        var result = await Probes.RunAsync(Plan(server, Password));

        Assert.Equal("auth.failed", result.Diagnosis!.Code);
        var json = Json(result);
        foreach (var form in Forms)
        {
            Assert.DoesNotContain(form, json, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain("Tr0ub4dor", json, StringComparison.OrdinalIgnoreCase);
        var lines = result.Step(StepName.Auth).Reply!.Lines;
        // "alice:" is the echo's own text, kept; the password's part of the base64 is masked.
        Assert.Equal(Forms.Select((_, i) => $"5.7.8 echo {i}: {(i == 7 ? "YWxpY2U6" : "")}*** (as received)").Append("5.7.8 Error: authentication failed"), lines);
        Assert.Contains("5.7.8 echo 0: *** (as received)", result.Diagnosis.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerEchoingTheSecretInAMalformedLine_IsMaskedInTheProtocolError()
    {
        await using var server = ScriptedSmtpServer.Start(s =>
        {
            s.Credentials = ("alice", Password);
            s.On("AUTH", ScriptedReply.Lines($"bad credentials {Password.ToUpperInvariant()} from alice"));
        });

        var result = await Probes.RunAsync(Plan(server, Password));

        Assert.Equal("protocol.violation", result.Diagnosis!.Code);
        Assert.Contains("bad credentials *** from alice", result.Diagnosis.Summary, StringComparison.Ordinal);
        Assert.Contains(result.Transcript, t => t is { Direction: TranscriptDirection.Received, Text: "bad credentials *** from alice" });
        Assert.DoesNotContain("Tr0ub4dor", Json(result), StringComparison.OrdinalIgnoreCase);
    }
}
