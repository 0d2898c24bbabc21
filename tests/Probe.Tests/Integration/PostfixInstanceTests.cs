using SmtpProbeHub.TestSupport.Postfix;
using SmtpProbeHub.TestSupport.Smtp;

namespace SmtpProbeHub.Probe.Tests.Integration;

/// <summary>The real Postfix peer behaves as the integration tests assume (checked without the engine).</summary>
public sealed class PostfixInstanceTests(PostfixInstance postfix)
{
    [Fact]
    public async Task Greeting_Is220FromThisInstance_AndEhloAdvertisesDsnAndStarttls()
    {
        await using var smtp = await RawSmtp.ConnectAsync(postfix.Host, postfix.Port);

        var banner = await smtp.ReadReplyAsync();
        var ehlo = await smtp.SendAsync("EHLO peer-check.test");
        await smtp.SendAsync("QUIT");

        Assert.StartsWith("220 mx.corp.test ESMTP", banner[0]);
        Assert.Contains(postfix.BannerMarker, banner[0]);
        Assert.Contains("250-DSN", ehlo);
        Assert.Contains("250-STARTTLS", ehlo);
        Assert.NotEqual(25, postfix.Port);
    }

    [Fact]
    public async Task Rcpt_KnownUserAccepted_UnknownUser550_511_ForeignDomainRelayDenied()
    {
        await using var smtp = await RawSmtp.ConnectAsync(postfix.Host, postfix.Port);
        await smtp.ReadReplyAsync();
        await smtp.SendAsync("EHLO peer-rcpt.test");
        await smtp.SendAsync("MAIL FROM:<admin@test.com>");

        var known = await smtp.SendAsync($"RCPT TO:<{postfix.KnownRecipient}>");
        var unknown = await smtp.SendAsync($"RCPT TO:<{postfix.UnknownRecipient}>");
        var foreign = await smtp.SendAsync("RCPT TO:<someone@elsewhere.test>");
        await smtp.SendAsync("QUIT");

        Assert.StartsWith("250 ", known[0]);
        Assert.StartsWith("550 5.1.1 ", unknown[0]);
        Assert.Contains("User unknown in local recipient table", unknown[0]);
        Assert.StartsWith("554 5.7.1 ", foreign[0]);
        Assert.Contains("Relay access denied", foreign[0]);
    }

    [Fact]
    public async Task Log_FindsTheSessionByHelo_WithItsCommandCounters()
    {
        var helo = $"peer-log-{Guid.NewGuid():n}.test";
        await using (var smtp = await RawSmtp.ConnectAsync(postfix.Host, postfix.Port))
        {
            await smtp.ReadReplyAsync();
            await smtp.SendAsync($"EHLO {helo}");
            await smtp.SendAsync("MAIL FROM:<admin@test.com>");
            await smtp.SendAsync($"RCPT TO:<{postfix.KnownRecipient}>");
            await smtp.SendAsync("QUIT");
        }

        var session = await postfix.Log.WaitForSessionAsync(helo, TimeSpan.FromSeconds(10));

        Assert.Equal("ehlo=1 mail=1 rcpt=1 quit=1 commands=4", session.Commands);
        Assert.False(session.Received("data"));
        Assert.Contains(session.Lines, l => l.Contains("connect from", StringComparison.Ordinal));
    }
}
