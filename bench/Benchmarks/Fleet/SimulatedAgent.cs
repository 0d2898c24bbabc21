using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using SmtpProbeHub.Contracts.V1;

namespace SmtpProbeHub.Benchmarks.Fleet;

/// <summary>
/// One agent stream of the fleet load: its own HTTP/2 connection (as a real agent has), hello, a heartbeat at
/// the interval the welcome names, and every assignment answered at once with <see cref="CannedResult"/>.
/// </summary>
internal sealed class SimulatedAgent : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<AgentMessage, HubMessage> _call;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _reading = Task.CompletedTask;
    private Task _heartbeats = Task.CompletedTask;
    private long _answered;

    private SimulatedAgent(GrpcChannel channel, AsyncDuplexStreamingCall<AgentMessage, HubMessage> call)
    {
        _channel = channel;
        _call = call;
    }

    public long Answered => Interlocked.Read(ref _answered);

    public static async Task<SimulatedAgent> ConnectAsync(string hubUrl, string token, string id, IDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        var channel = GrpcChannel.ForAddress(hubUrl, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan, KeepAlivePingDelay = TimeSpan.FromSeconds(60) },
            DisposeHttpClient = true,
        });
        var client = new AgentHub.AgentHubClient(channel);
        // Each simulated agent has its own key, as a real agent's data directory holds one.
        var call = client.Connect(new Metadata { { "authorization", "Bearer " + token }, { "x-agent-key", $"bench-agent-key-{id}-{id.GetHashCode():x8}".PadRight(32, '0') } }, cancellationToken: CancellationToken.None);
        var agent = new SimulatedAgent(channel, call);
        var hello = new Hello { AgentId = id, Name = id, Version = "bench-sim", Capacity = 4 };
        hello.Labels.Add(labels);
        await call.RequestStream.WriteAsync(new AgentMessage { Hello = hello }, cancellationToken);
        if (!await call.ResponseStream.MoveNext(cancellationToken) || call.ResponseStream.Current.KindCase != HubMessage.KindOneofCase.Welcome)
        {
            throw new InvalidOperationException($"{id}: no welcome");
        }

        var interval = call.ResponseStream.Current.Welcome.HeartbeatInterval?.ToTimeSpan() ?? TimeSpan.FromSeconds(5);
        agent._reading = agent.ReadAsync();
        agent._heartbeats = agent.HeartbeatAsync(interval);
        return agent;
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(_stop.Token))
            {
                if (_call.ResponseStream.Current is { KindCase: HubMessage.KindOneofCase.Assignment } message)
                {
                    var result = new RunResult
                    {
                        RunId = message.Assignment.RunId,
                        Outcome = RunOutcome.Completed,
                        ResultJson = CannedResult.Json,
                        FinishedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                    };
                    await WriteAsync(new AgentMessage { Result = result });
                    Interlocked.Increment(ref _answered);
                }
            }
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or IOException)
        {
        }
    }

    private async Task HeartbeatAsync(TimeSpan interval)
    {
        try
        {
            // Spread the fleet's heartbeats over the interval rather than all at once.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * interval.TotalMilliseconds), _stop.Token);
            using var timer = new PeriodicTimer(interval);
            do
            {
                await WriteAsync(new AgentMessage { Heartbeat = new Heartbeat { InFlight = 0 } });
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or IOException or InvalidOperationException)
        {
        }
    }

    private async Task WriteAsync(AgentMessage message)
    {
        await _writer.WaitAsync(_stop.Token);
        try
        {
            await _call.RequestStream.WriteAsync(message, _stop.Token);
        }
        finally
        {
            _writer.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _call.Dispose();
        await Task.WhenAll(_reading, _heartbeats).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _channel.Dispose();
        _stop.Dispose();
        _writer.Dispose();
    }
}
