using System.Diagnostics;
using System.Text.Json;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Serialization;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Probe.Tests.Hostile;

/// <summary>
/// Another service answers on the port: the banner step ends as <c>protocol.not_smtp</c>, the probe sends the peer
/// nothing at all (no EHLO, no QUIT), and the result keeps only a short prefix of what the peer said.
/// </summary>
public sealed class NonSmtpPeerTests
{
    private const string SshBanner = "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5 bastion.internal.corp";

    private static async Task<(ProbeResult Result, ScriptedConnection Peer, TimeSpan Elapsed)> ProbeAsync(ScriptedSmtpServer server, ProbePlan? plan = null)
    {
        var watch = Stopwatch.StartNew();
        var result = await Probes.RunAsync(plan ?? Probes.PlanFor(server));
        var elapsed = watch.Elapsed;
        // The peer's session ends when the probe hangs up; only then is everything it received recorded.
        await server.WaitForIdleAsync(TimeSpan.FromSeconds(5));
        return (result, Assert.Single(server.Connections), elapsed);
    }

    private static void AssertNotSmtp(ProbeResult result, ScriptedConnection peer)
    {
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Equal(StepName.Banner, result.FailedStep);
        Assert.Equal(StepOutcome.Error, result.Step(StepName.Banner).Outcome);
        Assert.Equal("protocol.not_smtp", result.Diagnosis!.Code);
        Assert.Equal([StepName.Resolve, StepName.Connect, StepName.Banner], result.Steps.Select(s => s.Name));
        Assert.DoesNotContain(result.Transcript, t => t.Direction == TranscriptDirection.Sent);
        Assert.Empty(peer.ReceivedBytes);
    }

    [Fact]
    public async Task SshBanner_IsNotSmtp_NothingIsSent_AndTheTranscriptKeepsAShortPrefix()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.Banner = ScriptedReply.Lines(SshBanner));

        var (result, peer, _) = await ProbeAsync(server);

        AssertNotSmtp(result, peer);
        var received = Assert.Single(result.Transcript, t => t.Direction == TranscriptDirection.Received);
        Assert.Equal("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ub…", received.Text);
        Assert.Contains("look like SSH", result.Diagnosis!.Summary, StringComparison.Ordinal);
        var json = JsonSerializer.Serialize(result, ProbeJson.Options);
        Assert.DoesNotContain("bastion.internal.corp", json, StringComparison.Ordinal);
        Assert.DoesNotContain("ubuntu13.5", json, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[], string> OtherServices => new()
    {
        { "pop3", "+OK POP3 server ready <1896.697170952@pop.internal.corp> secret-build-4711\r\n"u8.ToArray(), "secret-build-4711" },
        { "imap", "* OK [CAPABILITY IMAP4rev1 SASL-IR] imap.internal.corp Dovecot (Debian) ready.\r\n"u8.ToArray(), "imap.internal.corp" },
        { "http", "HTTP/1.1 400 Bad Request\r\nServer: intranet-portal/2.3 (hr.internal.corp)\r\nContent-Type: text/html\r\n\r\n<html>nope</html>\r\n"u8.ToArray(), "hr.internal.corp" },
        { "binary", [0x00, 0x00, 0x00, 0x4a, 0x0a, 0x38, 0x2e, 0x30, 0x2e, 0x33, 0x36, 0x00, .. "db.internal.corp"u8], "db.internal.corp" },
    };

    [Theory]
    [MemberData(nameof(OtherServices))]
    public async Task OtherServiceOnThePort_IsNotSmtp_NothingIsSent_AndItsWordsAreNotKept(string service, byte[] greeting, string privateText)
    {
        await using var server = ScriptedSmtpServer.Start(s => s.Banner = ScriptedReply.RawBytes(greeting));

        var (result, peer, _) = await ProbeAsync(server);

        AssertNotSmtp(result, peer);
        var received = Assert.Single(result.Transcript, t => t.Direction == TranscriptDirection.Received);
        Assert.True(received.Text.Length <= 33, $"{service}: {received.Text}");
        Assert.DoesNotContain(privateText, JsonSerializer.Serialize(result, ProbeJson.Options), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RandomBytesWithoutALineEnd_AreNotSmtp_WithoutWaitingForTheBannerTimeout()
    {
        var noise = new byte[4096];
        new Random(153119).NextBytes(noise);
        noise[0] = 0xFF;
        noise.AsSpan().Replace((byte)'\n', (byte)'.');
        await using var server = ScriptedSmtpServer.Start(s => s.Banner = ScriptedReply.RawBytes(noise));

        var (result, peer, elapsed) = await ProbeAsync(server, Probes.PlanFor(server) with { Timeouts = new ProbeTimeouts { ConnectSeconds = 5, BannerSeconds = 10, TotalSeconds = 30 } });

        AssertNotSmtp(result, peer);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"took {elapsed}");
        Assert.EndsWith("…", Assert.Single(result.Transcript, t => t.Direction == TranscriptDirection.Received).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SshBannerAfterAnImplicitTlsHandshake_IsNotSmtpEither()
    {
        await using var server = ScriptedSmtpServer.Start(s =>
        {
            s.Certificate = TestCertificates.CreateSelfSigned("mail.corp.test", null, null, System.Net.IPAddress.Loopback);
            s.ImplicitTls = true;
            s.Banner = ScriptedReply.Lines(SshBanner);
        });

        var (result, peer, _) = await ProbeAsync(server, Probes.PlanFor(server) with { Tls = TlsMode.Implicit });

        Assert.Equal("protocol.not_smtp", result.Diagnosis!.Code);
        Assert.Equal(StepName.Banner, result.FailedStep);
        Assert.Empty(peer.ReceivedBytes);
    }

    [Fact]
    public async Task GarbageAfterAGoodGreeting_IsAProtocolViolation_NotNotSmtp()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.On("EHLO", ScriptedReply.Garbage()));

        var (result, _, _) = await ProbeAsync(server);

        Assert.Equal(StepName.Ehlo, result.FailedStep);
        Assert.Equal("protocol.violation", result.Diagnosis!.Code);
        Assert.Contains("proxy", result.Diagnosis.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("QUIT", server.ReceivedCommands);
    }
}
