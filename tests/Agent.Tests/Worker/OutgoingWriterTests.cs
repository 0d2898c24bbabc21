using System.Threading.Channels;
using Grpc.Core;
using SmtpProbeHub.Agent.Worker;
using SmtpProbeHub.Contracts.V1;

namespace SmtpProbeHub.Agent.Tests.Worker;

public sealed class OutgoingWriterTests
{
    [Fact]
    public async Task ProgressWaitingTogether_GoesAsOneBatch_InOrder_AndOtherMessagesKeepTheirPlace()
    {
        var written = await WriteAsync(Progress("a"), Progress("b"), Progress("c"), Result("run-1"), Progress("d"));

        Assert.Equal(3, written.Count);
        Assert.Equal(AgentMessage.KindOneofCase.ProgressBatch, written[0].KindCase);
        Assert.Equal(["a", "b", "c"], written[0].ProgressBatch.Items.Select(Text));
        Assert.Equal("run-1", written[1].Result.RunId);
        Assert.Equal(AgentMessage.KindOneofCase.Progress, written[2].KindCase);
        Assert.Equal("d", Text(written[2].Progress));
    }

    [Fact]
    public async Task LoneProgress_TravelsAsAPlainProgressMessage()
    {
        var written = await WriteAsync(Progress("only"));

        var message = Assert.Single(written);
        Assert.Equal(AgentMessage.KindOneofCase.Progress, message.KindCase);
    }

    [Fact]
    public async Task BatchesStayUnderTheSizeBound()
    {
        var line = new string('x', 100 * 1024);
        var written = await WriteAsync(Progress(line + "1"), Progress(line + "2"), Progress(line + "3"));

        Assert.True(written.Count >= 2, $"{written.Count} write(s)");
        Assert.All(written, m => Assert.True(m.CalculateSize() <= OutgoingWriter.MaxBatchBytes + 1024, $"{m.CalculateSize()} bytes"));
        Assert.Equal([line + "1", line + "2", line + "3"], written.SelectMany(Items).Select(Text));
    }

    private static async Task<List<AgentMessage>> WriteAsync(params AgentMessage[] queued)
    {
        var channel = Channel.CreateUnbounded<AgentMessage>();
        foreach (var message in queued)
        {
            channel.Writer.TryWrite(message);
        }

        channel.Writer.Complete();
        var stream = new RecordingStream();
        await OutgoingWriter.WriteAllAsync(stream, channel.Reader, TestContext.Current.CancellationToken);
        return stream.Written;
    }

    private static AgentMessage Progress(string text) =>
        new() { Progress = new StepProgress { RunId = "run-1", TranscriptJson = Google.Protobuf.ByteString.CopyFromUtf8(text) } };

    private static AgentMessage Result(string runId) => new() { Result = new RunResult { RunId = runId, Outcome = RunOutcome.Completed } };

    private static string Text(StepProgress progress) => progress.TranscriptJson.ToStringUtf8();

    private static IEnumerable<StepProgress> Items(AgentMessage message) =>
        message.KindCase == AgentMessage.KindOneofCase.ProgressBatch ? message.ProgressBatch.Items : [message.Progress];

    private sealed class RecordingStream : IAsyncStreamWriter<AgentMessage>
    {
        public List<AgentMessage> Written { get; } = [];

        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(AgentMessage message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(AgentMessage message, CancellationToken cancellationToken)
        {
            // A copy: the writer may reuse what it handed over.
            Written.Add(message.Clone());
            return Task.CompletedTask;
        }
    }
}
