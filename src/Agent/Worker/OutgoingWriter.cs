using System.Threading.Channels;
using Grpc.Core;
using SmtpProbeHub.Contracts.V1;

namespace SmtpProbeHub.Agent.Worker;

/// <summary>
/// The one writer of the agent's stream. A probe reports ~30 progress messages in a few milliseconds; written
/// one by one, each is a gRPC write, an HTTP/2 frame and a flush on the agent and a wake-up on the hub. Whatever
/// progress is already waiting when the writer comes round goes out as one <see cref="ProgressBatch"/>, in
/// order, so the batching adapts to load by itself: an idle agent still sends each line at once.
/// </summary>
internal static class OutgoingWriter
{
    /// <summary>Bounds one batch well below gRPC's 4 MB default message limit (one step can carry a long reply).</summary>
    public const int MaxBatchBytes = 256 * 1024;

    public static async Task WriteAllAsync(IAsyncStreamWriter<AgentMessage> stream, ChannelReader<AgentMessage> reader, CancellationToken token)
    {
        var batch = new ProgressBatch();
        var batchBytes = 0;
        while (await reader.WaitToReadAsync(token))
        {
            while (reader.TryRead(out var message))
            {
                if (message.KindCase == AgentMessage.KindOneofCase.Progress)
                {
                    var size = message.Progress.CalculateSize();
                    if (batch.Items.Count > 0 && batchBytes + size > MaxBatchBytes)
                    {
                        await FlushAsync(stream, batch, token);
                        batchBytes = 0;
                    }

                    batch.Items.Add(message.Progress);
                    batchBytes += size;
                    continue;
                }

                // Anything else keeps its place after the progress queued before it.
                await FlushAsync(stream, batch, token);
                batchBytes = 0;
                await stream.WriteAsync(message, token);
            }

            await FlushAsync(stream, batch, token);
            batchBytes = 0;
        }
    }

    private static async Task FlushAsync(IAsyncStreamWriter<AgentMessage> stream, ProgressBatch batch, CancellationToken token)
    {
        switch (batch.Items.Count)
        {
            case 0:
                return;
            case 1:
                await stream.WriteAsync(new AgentMessage { Progress = batch.Items[0] }, token);
                break;
            default:
                await stream.WriteAsync(new AgentMessage { ProgressBatch = batch.Clone() }, token);
                break;
        }

        batch.Items.Clear();
    }
}
