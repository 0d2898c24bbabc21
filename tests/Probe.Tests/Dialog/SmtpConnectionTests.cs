using System.Text;
using SmtpProbeHub.Probe.Dialog;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Tests.Dialog;

public sealed class SmtpConnectionTests
{
    private static (SmtpConnection Connection, MemoryStream Wire, TranscriptRecorder Transcript) Create(string serverBytes = "")
    {
        var wire = new DuplexStream(Encoding.UTF8.GetBytes(serverBytes));
        var transcript = new TranscriptRecorder(TimeProvider.System, null);
        return (new SmtpConnection(wire, null, transcript, new ProbeEngineOptions()), wire.Written, transcript);
    }

    [Theory]
    [InlineData("RCPT TO:<a@b.test>\r\nDATA")]
    [InlineData("MAIL FROM:<a@b.test>\n")]
    [InlineData("EHLO x\r")]
    [InlineData("EHLO x\u2028y")]
    [InlineData("MAIL FROM:<a\u0085b@corp.test>")]
    [InlineData("RCPT TO:<\u202Etset.proc@ecila>")]
    public async Task Send_WithCrLfOrOtherControlOrFormatCharacters_IsRefused_AndNothingIsWritten(string line)
    {
        var (connection, wire, transcript) = Create();

        await Assert.ThrowsAsync<ArgumentException>(() => connection.SendAsync(line, null, TestContext.Current.CancellationToken));

        Assert.Equal(0, wire.Length);
        Assert.Empty(transcript.Snapshot());
    }

    [Fact]
    public async Task RegisteredSecret_IsMaskedBothWays_ButSentInClear()
    {
        var (connection, wire, transcript) = Create("535 5.7.8 bad password hunter2\r\n");
        connection.RegisterSecret("hunter2");

        var shown = await connection.SendAsync("X-ECHO hunter2", null, TestContext.Current.CancellationToken);
        var reply = await connection.ReadReplyAsync(TestContext.Current.CancellationToken);

        Assert.Equal("X-ECHO ***", shown);
        Assert.Equal("X-ECHO hunter2\r\n", Encoding.UTF8.GetString(wire.ToArray()));
        Assert.Equal("5.7.8 bad password ***", reply.Lines[0]);
        Assert.DoesNotContain(transcript.Snapshot(), t => t.Text.Contains("hunter2", StringComparison.Ordinal));
        Assert.Equal([TranscriptDirection.Sent, TranscriptDirection.Received], transcript.Snapshot().Select(t => t.Direction));
    }

    /// <summary>Reads from fixed server bytes, records what is written.</summary>
    private sealed class DuplexStream(byte[] toRead) : Stream
    {
        private readonly MemoryStream _read = new(toRead);
        public MemoryStream Written { get; } = new();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _read.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);
    }
}
