using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SmtpProbeHub.Contracts.V1;

namespace SmtpProbeHub.Agent.Tests.Worker.Hub;

/// <summary>
/// A stand-in hub on a loopback port speaking the real contract over real HTTP/2: checks the bearer
/// token, welcomes, records what the agent sends, acks results when told to. The real hub is tested
/// against real agents in EndToEnd.Tests; this one isolates the agent's behaviour.
/// </summary>
internal sealed class FakeHub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeHub(WebApplication app, FakeHubState state)
    {
        _app = app;
        State = state;
    }

    public FakeHubState State { get; }

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}";

    public static async Task<FakeHub> StartAsync(string token, bool ack = true, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var state = new FakeHubState(token) { Ack = ack };
        builder.Services.AddSingleton(state);
        var app = builder.Build();
        app.MapGrpcService<FakeHubService>();
        await app.StartAsync();
        var hub = new FakeHub(app, state);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        hub.Port = new Uri(address).Port;
        return hub;
    }

    public async ValueTask DisposeAsync()
    {
        State.Disconnect();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}

internal sealed class FakeHubState(string token)
{
    private Channel<HubMessage>? _current;

    public string Token { get; } = token;

    public bool Ack { get; set; }

    public ConcurrentQueue<Hello> Hellos { get; } = new();

    public Channel<AgentMessage> Received { get; } = Channel.CreateUnbounded<AgentMessage>();

    public TaskCompletionSource Connected { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Send(HubMessage message) =>
        (_current ?? throw new InvalidOperationException("no agent connected")).Writer.TryWrite(message);

    public void Disconnect() => _current?.Writer.TryComplete();

    /// <summary>
    /// The new stream's outgoing queue, the welcome already in it: a test that sends as soon as it sees
    /// <see cref="Connected"/> must never get its message ahead of the welcome (the agent reads nothing before it).
    /// </summary>
    internal Channel<HubMessage> Attach(HubMessage welcome)
    {
        var channel = Channel.CreateUnbounded<HubMessage>();
        channel.Writer.TryWrite(welcome);
        _current = channel;
        Connected.TrySetResult();
        return channel;
    }

    /// <summary>The next message of a kind, skipping others (heartbeats, progress).</summary>
    public async Task<AgentMessage> NextAsync(AgentMessage.KindOneofCase kind, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var message = await Received.Reader.ReadAsync(cts.Token);
            if (message.KindCase == kind)
            {
                return message;
            }
        }
    }
}

internal sealed class FakeHubService(FakeHubState state) : AgentHub.AgentHubBase
{
    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<HubMessage> responseStream, ServerCallContext context)
    {
        if (context.RequestHeaders.GetValue("authorization") != $"Bearer {state.Token}")
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "unknown agent token"));
        }

        if (!await requestStream.MoveNext() || requestStream.Current.KindCase != AgentMessage.KindOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "hello first"));
        }

        state.Hellos.Enqueue(requestStream.Current.Hello);

        var outgoing = state.Attach(new HubMessage
        {
            Welcome = new Welcome { Accepted = true, HeartbeatInterval = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)), ServerTime = Timestamp.FromDateTime(DateTime.UtcNow) },
        });
        var writer = Task.Run(async () =>
        {
            await foreach (var message in outgoing.Reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(message);
            }
        });
        var reader = Task.Run(async () =>
        {
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                var message = requestStream.Current;
                // Unpacked like the real hub does: the tests look at progress, not at how it was packed.
                var unpacked = message.KindCase == AgentMessage.KindOneofCase.ProgressBatch
                    ? message.ProgressBatch.Items.Select(p => new AgentMessage { Progress = p })
                    : [message];
                foreach (var one in unpacked)
                {
                    state.Received.Writer.TryWrite(one);
                }

                if (message.KindCase == AgentMessage.KindOneofCase.Result && state.Ack)
                {
                    outgoing.Writer.TryWrite(new HubMessage { ResultAck = new ResultAck { RunId = message.Result.RunId } });
                }
            }
        });
        await Task.WhenAny(writer, reader);
    }
}
