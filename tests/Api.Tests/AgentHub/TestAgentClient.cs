using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using SmtpProbeHub.Contracts.V1;

namespace SmtpProbeHub.Api.Tests.AgentHub;

/// <summary>A scripted agent on the real contract: says hello, then the test decides what it sends and when.</summary>
internal sealed class TestAgentClient : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<AgentMessage, HubMessage> _call;
    private readonly Channel<HubMessage> _received = Channel.CreateUnbounded<HubMessage>();
    private readonly Task _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private TestAgentClient(AsyncDuplexStreamingCall<AgentMessage, HubMessage> call)
    {
        _call = call;
        _reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in call.ResponseStream.ReadAllAsync())
                {
                    _received.Writer.TryWrite(message);
                }

                _received.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                _received.Writer.TryComplete(ex);
            }
        });
    }

    public string Id { get; private init; } = "";

    /// <summary>The agent key it sent (x-agent-key), as a real agent keeps it in its data directory.</summary>
    public string Key { get; private init; } = "";

    public static Task<TestAgentClient> ConnectAsync(GrpcChannel channel, string? token, string name, int capacity = 2, params (string Key, string Value)[] labels) =>
        ConnectAsync(channel, token, name, capacity, runsFromBefore: 0, labels);

    /// <summary>
    /// Connects as an agent that still runs <paramref name="runsFromBefore"/> runs from an earlier connection. A new agent has a new
    /// id and key; <paramref name="agentId"/> and <paramref name="agentKey"/> claim given ones (a reconnect, or an impostor).
    /// </summary>
    public static async Task<TestAgentClient> ConnectAsync(
        GrpcChannel channel, string? token, string name, int capacity, int runsFromBefore, (string Key, string Value)[] labels, string? agentId = null, string? agentKey = null)
    {
        var headers = new Metadata();
        if (token is not null)
        {
            headers.Add("authorization", $"Bearer {token}");
        }

        var secret = agentKey ?? Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        headers.Add("x-agent-key", secret);
        var call = new Contracts.V1.AgentHub.AgentHubClient(channel).Connect(headers);
        var client = new TestAgentClient(call) { Id = agentId ?? Guid.NewGuid().ToString("D"), Key = secret };
        var hello = new Hello { AgentId = client.Id, Name = name, Version = "test-1.2.3", Capacity = capacity, InFlight = runsFromBefore };
        foreach (var (key, value) in labels)
        {
            hello.Labels[key] = value;
        }

        await client.SendAsync(new AgentMessage { Hello = hello });
        return client;
    }

    public async Task SendAsync(AgentMessage message)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _call.RequestStream.WriteAsync(message);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The next hub message of a kind (others are skipped); throws the call's error if it ended.</summary>
    public async Task<HubMessage> NextAsync(HubMessage.KindOneofCase kind, double seconds = 10)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            HubMessage message;
            try
            {
                message = await _received.Reader.ReadAsync(timeout.Token);
            }
            catch (ChannelClosedException closed) when (closed.InnerException is RpcException ended)
            {
                throw ended;
            }

            if (message.KindCase == kind)
            {
                return message;
            }
        }
    }

    /// <summary>True when no message of a kind arrives within the time.</summary>
    public async Task<bool> NoneWithinAsync(HubMessage.KindOneofCase kind, double seconds)
    {
        try
        {
            await NextAsync(kind, seconds);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    /// <summary>Waits until the hub ends the stream; returns its status.</summary>
    public async Task<Status> EndedAsync(double seconds = 10)
    {
        try
        {
            await _reader.WaitAsync(TimeSpan.FromSeconds(seconds), TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw;
        }

        return _call.GetStatus();
    }

    public void Abort() => _call.Dispose();

    public async ValueTask DisposeAsync()
    {
        _call.Dispose();
        try
        {
            await _reader;
        }
        catch (Exception)
        {
        }
    }
}
