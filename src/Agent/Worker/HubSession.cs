using System.Reflection;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using SmtpProbeHub.Contracts.V1;

namespace SmtpProbeHub.Agent.Worker;

/// <summary>
/// One connection to the hub: hello, welcome, then heartbeats, assignments, cancels and acks until
/// the stream breaks or the agent stops. All writes go through one channel and one writer task,
/// because a gRPC request stream allows one write at a time.
/// </summary>
internal sealed class HubSession(
    AgentHub.AgentHubClient client,
    AgentOptions options,
    string agentId,
    string agentKey,
    RunScheduler scheduler,
    ResultSpool spool,
    HubOutbox outbox,
    TimeProvider time,
    ILogger log)
{
    private static readonly string Version =
        typeof(HubSession).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>Runs until the stream ends (throws) or <paramref name="cancellationToken"/> stops it. Calls <paramref name="onWelcome"/> once accepted.</summary>
    public async Task RunAsync(Action onWelcome, CancellationToken cancellationToken)
    {
        using var sessionCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = sessionCts.Token;
        var headers = new Metadata();
        if (options.Token.Length > 0)
        {
            headers.Add("authorization", $"Bearer {options.Token}");
        }

        headers.Add("x-agent-key", agentKey);
        using var call = client.Connect(headers, cancellationToken: token);

        var outgoing = Channel.CreateUnbounded<AgentMessage>(new UnboundedChannelOptions { SingleReader = true });
        var writer = OutgoingWriter.WriteAllAsync(call.RequestStream, outgoing.Reader, token);
        try
        {
            outgoing.Writer.TryWrite(new AgentMessage { Hello = Hello() });
            var welcome = await ReadWelcomeAsync(call.ResponseStream, writer, token);
            var heartbeat = welcome.HeartbeatInterval?.ToTimeSpan() is { TotalSeconds: >= 1 } interval ? interval : TimeSpan.FromSeconds(10);
            log.LogInformation("Connected to hub {HubUrl} as {Name} ({AgentId}); heartbeat every {Heartbeat}s", options.HubUrl, options.Name, agentId, heartbeat.TotalSeconds);
            onWelcome();

            outbox.Attach(outgoing.Writer);
            var pending = spool.LoadAll();
            if (pending.Count > 0)
            {
                log.LogInformation("Re-sending {Count} result(s) the hub has not acknowledged", pending.Count);
            }

            foreach (var result in pending)
            {
                outgoing.Writer.TryWrite(new AgentMessage { Result = result });
            }

            var heartbeats = HeartbeatAsync(outgoing.Writer, heartbeat, token);
            var reader = ReadAllAsync(call.ResponseStream, token);
            var first = await Task.WhenAny(reader, writer, heartbeats);
            await first; // rethrows what ended the session
            throw new RpcException(new Status(StatusCode.Unavailable, "the hub closed the stream"));
        }
        finally
        {
            outbox.Detach(outgoing.Writer);
            outgoing.Writer.TryComplete();
            await sessionCts.CancelAsync();
            try { await writer; } catch { /* the session is over; its first error was already thrown */ }
        }
    }

    private Hello Hello()
    {
        var hello = new Hello { AgentId = agentId, Name = options.Name, Version = Version, Capacity = options.Capacity, InFlight = scheduler.InFlight };
        hello.Labels.Add(options.Labels);
        return hello;
    }

    private async Task<Welcome> ReadWelcomeAsync(IAsyncStreamReader<HubMessage> responses, Task writer, CancellationToken token)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.WelcomeTimeoutSeconds));
        bool received;
        try
        {
            received = await responses.MoveNext(timeout.Token);
        }
        catch (OperationCanceledException ex) when (!token.IsCancellationRequested)
        {
            throw new TimeoutException($"no welcome within {options.WelcomeTimeoutSeconds}s", ex);
        }
        if (writer.IsFaulted)
        {
            await writer;
        }

        if (!received)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the hub closed the stream before its welcome"));
        }

        var message = responses.Current;
        if (message.KindCase != HubMessage.KindOneofCase.Welcome)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"the hub sent {message.KindCase} before its welcome"));
        }

        if (!message.Welcome.Accepted)
        {
            throw new HubRefusedException(string.IsNullOrEmpty(message.Welcome.Reason) ? "no reason given" : message.Welcome.Reason);
        }

        return message.Welcome;
    }

    private async Task ReadAllAsync(IAsyncStreamReader<HubMessage> responses, CancellationToken token)
    {
        while (await responses.MoveNext(token))
        {
            var message = responses.Current;
            switch (message.KindCase)
            {
                case HubMessage.KindOneofCase.Assignment:
                    scheduler.Accept(message.Assignment);
                    break;
                case HubMessage.KindOneofCase.Cancel:
                    scheduler.Cancel(message.Cancel.RunId, string.IsNullOrEmpty(message.Cancel.Reason) ? "canceled by the hub" : message.Cancel.Reason);
                    break;
                case HubMessage.KindOneofCase.ResultAck:
                    spool.Delete(message.ResultAck.RunId);
                    break;
                default:
                    log.LogDebug("Ignoring hub message {Kind}", message.KindCase);
                    break;
            }
        }
    }

    private async Task HeartbeatAsync(ChannelWriter<AgentMessage> outgoing, TimeSpan interval, CancellationToken token)
    {
        // One at once: after a reconnect the hub learns straight away which runs this agent still has, and stops those it
        // has already ended (e.g. after the agent was frozen) instead of letting them probe on for a heartbeat interval.
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            var beat = new Heartbeat { InFlight = scheduler.InFlight };
            beat.RunningRunIds.Add(scheduler.RunningIds);
            outgoing.TryWrite(new AgentMessage { Heartbeat = beat });
        }
        while (await timer.WaitForNextTickAsync(token));
    }
}

/// <summary>The hub answered hello with a welcome that does not accept this agent.</summary>
internal sealed class HubRefusedException(string reason) : Exception(reason);
