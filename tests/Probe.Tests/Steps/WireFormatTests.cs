using System.Text;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Steps;

namespace SmtpProbeHub.Probe.Tests.Steps;

public sealed class WireFormatTests
{
    [Theory]
    [InlineData("2.0.0 Ok: queued as 4Xyz12AbCd", "4Xyz12AbCd")]
    [InlineData("OK id=1rT3aB-000Abc-2Q", "1rT3aB-000Abc-2Q")]
    [InlineData("2.6.0 <abc@mail.corp.test> [InternalId=123456789, Hostname=EX01] Queued mail for delivery", "123456789")]
    [InlineData("2.0.0 4ASFk1xP012345 Message accepted for delivery", "4ASFk1xP012345")]
    [InlineData("2.0.0 OK  1700000000 a1b2c3d4e5.45 - gsmtp", "a1b2c3d4e5.45")]
    [InlineData("Message accepted as AB12CD", "AB12CD")]
    [InlineData("2.0.0 Ok", null)]
    public void QueueId_IsFoundInCommonServerReplies(string reply, string? expected)
    {
        Assert.Equal(expected, QueueIdParser.Parse(reply));
    }

    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("a+b=c", "a+2Bb+3Dc")]
    [InlineData("a b", "a+20b")]
    [InlineData("é", "+C3+A9")]
    public void XText_EncodesPlusEqualsAndNonPrintables(string value, string expected)
    {
        Assert.Equal(expected, XText.Encode(value));
    }

    [Fact]
    public void Stuffing_DoublesLeadingDots_AndEndsWithALoneDot()
    {
        var composed = MessageComposer.Stuff(Encoding.ASCII.GetBytes("Subject: x\r\n\r\n.hidden\r\n..two\r\nnormal.\r\n.\r\n"), "id@x");

        Assert.Equal("Subject: x\r\n\r\n..hidden\r\n...two\r\nnormal.\r\n..\r\n.\r\n", Encoding.ASCII.GetString(composed.Data));
        Assert.Equal(["Subject: x", "", "..hidden", "...two", "normal.", "..", "."], composed.Lines);
    }

    [Fact]
    public void Compose_NonAsciiBody_Is7BitCleanWithoutSmtpUtf8()
    {
        var plan = new ProbePlan { To = ["alice@corp.test"], Message = new MessagePlan { Subject = "Grüße", Body = "Schöne Grüße\nzweite Zeile" } };

        var composed = MessageComposer.Compose(plan, DateTimeOffset.UtcNow, international: false);

        Assert.All(composed.Data, b => Assert.True(b < 0x80));
        var text = Encoding.ASCII.GetString(composed.Data);
        Assert.Contains("Subject: =?", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n.\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", text.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void EhloParser_ReadsOldAuthFormAndBareSize()
    {
        var reply = new SmtpReply(250, null, ["mx.corp.test at your service", "SIZE", "AUTH=PLAIN", "starttls"]);

        var capabilities = EhloParser.Parse(reply);

        Assert.Equal("mx.corp.test", capabilities.ServerName);
        Assert.Equal(0, capabilities.Size);
        Assert.Equal(["PLAIN"], capabilities.AuthMechanisms);
        Assert.True(capabilities.StartTls);
        Assert.Equal(["SIZE", "AUTH PLAIN", "STARTTLS"], capabilities.Keywords);
    }
}
