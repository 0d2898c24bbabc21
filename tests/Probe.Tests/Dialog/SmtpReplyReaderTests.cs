using System.Text;
using SmtpProbeHub.Probe.Dialog;

namespace SmtpProbeHub.Probe.Tests.Dialog;

public sealed class SmtpReplyReaderTests
{
    private static SmtpReplyReader Reader(string text, ProbeEngineOptions? options = null) =>
        new(new MemoryStream(Encoding.UTF8.GetBytes(text)), options ?? new ProbeEngineOptions());

    private static Task<SmtpProbeHub.Probe.Model.SmtpReply> ReadAsync(SmtpReplyReader reader, List<string>? lines = null) =>
        reader.ReadReplyAsync(lines is null ? null : lines.Add, TestContext.Current.CancellationToken);

    [Fact]
    public async Task SingleLine_ParsesCodeEnhancedCodeAndText()
    {
        var reply = await ReadAsync(Reader("250 2.1.0 Ok\r\n"));

        Assert.Equal(250, reply.Code);
        Assert.Equal("2.1.0", reply.EnhancedCode);
        Assert.Equal(["2.1.0 Ok"], reply.Lines);
    }

    [Fact]
    public async Task MultiLine_CollectsEveryLineUntilTheSpaceSeparator()
    {
        var seen = new List<string>();

        var reply = await ReadAsync(Reader("250-mail.corp.test Hello\r\n250-PIPELINING\r\n250 SIZE 1000\r\n"), seen);

        Assert.Equal(250, reply.Code);
        Assert.Equal(["mail.corp.test Hello", "PIPELINING", "SIZE 1000"], reply.Lines);
        Assert.Equal(["250-mail.corp.test Hello", "250-PIPELINING", "250 SIZE 1000"], seen);
        Assert.Null(reply.EnhancedCode);
    }

    [Fact]
    public async Task ConsecutiveReplies_AreReadOneAtATime()
    {
        var reader = Reader("220 ready\r\n221 2.0.0 Bye\r\n");

        Assert.Equal(220, (await ReadAsync(reader)).Code);
        Assert.Equal(221, (await ReadAsync(reader)).Code);
    }

    [Theory]
    [InlineData("250\r\n", 250, "")]
    [InlineData("354 End data with <CR><LF>.<CR><LF>\n", 354, "End data with <CR><LF>.<CR><LF>")]
    [InlineData("550 5.1.1 <x@corp.test>: Recipient address rejected\r\n", 550, "5.1.1 <x@corp.test>: Recipient address rejected")]
    public async Task BareCodeAndBareLf_AreAccepted(string text, int code, string line)
    {
        var reply = await ReadAsync(Reader(text));

        Assert.Equal(code, reply.Code);
        Assert.Equal([line], reply.Lines);
    }

    [Theory]
    [InlineData("550 5.1.1 User unknown", "5.1.1")]
    [InlineData("421 4.7.0 Try again later", "4.7.0")]
    [InlineData("250 2.0.0", "2.0.0")]
    [InlineData("550 4.1.1 class does not match the code", null)]
    [InlineData("250 Ok 2.0.0", null)]
    [InlineData("250 2.0.0Ok", null)]
    public async Task EnhancedCode_OnlyWhenWellFormedAndOfTheReplysClass(string line, string? expected)
    {
        var reply = await ReadAsync(Reader(line + "\r\n"));

        Assert.Equal(expected, reply.EnhancedCode);
    }

    [Theory]
    [InlineData("HTTP/1.1 400 Bad Request\r\n")]
    [InlineData("25\r\n")]
    [InlineData("250_Ok\r\n")]
    [InlineData("650 not a class\r\n")]
    [InlineData("\r\n")]
    public async Task Garbage_IsAProtocolViolation(string text)
    {
        var e = await Assert.ThrowsAsync<SmtpProtocolException>(() => ReadAsync(Reader(text)));

        Assert.Equal("protocol.violation", e.DiagnosisCode);
    }

    [Fact]
    public async Task CodeChangingWithinAReply_IsAProtocolViolation()
    {
        var e = await Assert.ThrowsAsync<SmtpProtocolException>(() => ReadAsync(Reader("250-first\r\n550 second\r\n")));

        Assert.Equal("protocol.violation", e.DiagnosisCode);
    }

    [Fact]
    public async Task LineOverTheLimit_IsReplyTooLong_WithoutReadingItAll()
    {
        var stream = new MemoryStream(Encoding.ASCII.GetBytes("250 " + new string('x', 1024 * 1024) + "\r\n"));
        var reader = new SmtpReplyReader(stream, new ProbeEngineOptions { MaxReplyLineBytes = 512 });

        var e = await Assert.ThrowsAsync<SmtpProtocolException>(() => reader.ReadReplyAsync(null, TestContext.Current.CancellationToken));

        Assert.Equal("protocol.reply_too_long", e.DiagnosisCode);
        Assert.True(reader.TotalBytesRead < 64 * 1024, $"read {reader.TotalBytesRead} bytes");
    }

    [Fact]
    public async Task TooManyLines_IsReplyTooLong()
    {
        var text = string.Concat(Enumerable.Repeat("250-x\r\n", 10)) + "250 end\r\n";

        var e = await Assert.ThrowsAsync<SmtpProtocolException>(() => ReadAsync(Reader(text, new ProbeEngineOptions { MaxReplyLines = 5 })));

        Assert.Equal("protocol.reply_too_long", e.DiagnosisCode);
    }

    [Fact]
    public async Task TotalBytesOverTheLimit_IsReplyTooLong()
    {
        var reader = Reader(string.Concat(Enumerable.Repeat("250 ok\r\n", 100)), new ProbeEngineOptions { MaxBytesRead = 100 });

        var e = await Assert.ThrowsAsync<SmtpProtocolException>(async () =>
        {
            while (true)
            {
                await ReadAsync(reader);
            }
        });

        Assert.Equal("protocol.reply_too_long", e.DiagnosisCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("250-first line\r\n250-PIPEL")]
    [InlineData("220 half a line")]
    public async Task EndOfStreamMidReply_IsConnectionClosed(string text)
    {
        var e = await Assert.ThrowsAsync<SmtpProtocolException>(() => ReadAsync(Reader(text)));

        Assert.Equal("connection.closed", e.DiagnosisCode);
    }

    [Fact]
    public async Task ControlCharactersFromTheServer_AreNeutralisedInLines()
    {
        var reply = await ReadAsync(Reader("250 ok\u001b[31mred\u0007\r\n"));

        Assert.DoesNotContain(reply.Lines[0], c => char.IsControl(c));
        Assert.StartsWith("ok", reply.Lines[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5 bastion.corp\r\n", "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ub…", "SSH")]
    [InlineData("+OK POP3 ready internal.corp\r\n", "+OK POP3 ready internal.corp", "POP3")]
    [InlineData("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS] Dovecot ready.\r\n", "* OK [CAPABILITY IMAP4rev1 SASL-…", "IMAP")]
    [InlineData("HTTP/1.1 400 Bad Request\r\nServer: internal-app/1.2\r\n\r\n", "HTTP/1.1 400 Bad Request", "HTTP")]
    [InlineData("\r\n220 late\r\n", "", null)]
    [InlineData("2200 ok\r\n", "2200 ok", null)]
    public async Task Greeting_NotStartingLikeAReply_IsNotSmtp_AndOnlyAShortPrefixIsSeen(string text, string seen, string? guess)
    {
        var lines = new List<string>();

        var e = await Assert.ThrowsAsync<SmtpProtocolException>(() =>
            Reader(text).ReadReplyAsync(lines.Add, greeting: true, TestContext.Current.CancellationToken));

        Assert.Equal("protocol.not_smtp", e.DiagnosisCode);
        Assert.Equal([seen], lines);
        Assert.Equal(seen, e.Received);
        Assert.True(seen.Length <= 33);
        if (guess is not null)
        {
            Assert.Contains($"look like {guess}", e.Message, StringComparison.Ordinal);
        }

        // The message goes into the step and the diagnosis: none of the peer's own words.
        Assert.DoesNotContain(seen.Length > 4 ? seen[4..] : "\u0000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Greeting_OfBinaryBytesWithoutALineEnd_IsNotSmtp_AtOnce_NotReplyTooLong()
    {
        var bytes = new byte[1024 * 1024];
        new Random(153119).NextBytes(bytes);
        bytes[0] = 0x00;
        bytes.AsSpan().Replace((byte)'\n', (byte)'x');
        var reader = new SmtpReplyReader(new MemoryStream(bytes), new ProbeEngineOptions());
        var lines = new List<string>();

        var e = await Assert.ThrowsAsync<SmtpProtocolException>(() => reader.ReadReplyAsync(lines.Add, greeting: true, TestContext.Current.CancellationToken));

        Assert.Equal("protocol.not_smtp", e.DiagnosisCode);
        Assert.Contains("do not start with a reply code", e.Message, StringComparison.Ordinal);
        var line = Assert.Single(lines);
        Assert.InRange(line.Length, 32, 33);
        Assert.EndsWith("…", line, StringComparison.Ordinal);
        Assert.DoesNotContain(line, c => char.IsControl(c) && c != '\t');
        Assert.True(reader.TotalBytesRead <= 8192, $"read {reader.TotalBytesRead} bytes");
    }

    [Fact]
    public async Task Greeting_ArrivingOneByteAtATime_IsStillAGreeting()
    {
        var reader = new SmtpReplyReader(new OneByteStream(Encoding.ASCII.GetBytes("220-mail.corp.test ESMTP\r\n220 ready\r\n")), new ProbeEngineOptions());

        var reply = await reader.ReadReplyAsync(null, greeting: true, TestContext.Current.CancellationToken);

        Assert.Equal((220, 2), (reply.Code, reply.Lines.Count));
    }

    [Fact]
    public async Task GarbageAfterTheFirstLine_OrOutsideTheGreeting_IsStillAProtocolViolation()
    {
        var afterFirstLine = await Assert.ThrowsAsync<SmtpProtocolException>(() =>
            Reader("220-mail.corp.test ESMTP\r\nSSH-2.0-OpenSSH_9.6\r\n").ReadReplyAsync(null, greeting: true, TestContext.Current.CancellationToken));
        var notGreeting = await Assert.ThrowsAsync<SmtpProtocolException>(() =>
            Reader("SSH-2.0-OpenSSH_9.6\r\n").ReadReplyAsync(null, greeting: false, TestContext.Current.CancellationToken));

        Assert.Equal("protocol.violation", afterFirstLine.DiagnosisCode);
        Assert.Equal("protocol.violation", notGreeting.DiagnosisCode);
    }

    /// <summary>Hands out one byte per read, as a slow or fragmenting peer would.</summary>
    private sealed class OneByteStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1)], cancellationToken);
    }
}
