using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Contracts;
using SmtpProbeHub.Contracts.Mapping;
using SmtpProbeHub.Contracts.V1;

namespace SmtpProbeHub.Api.AgentHub;

/// <summary>
/// The hub's end of <c>AgentHub.Connect</c>: authenticate the token, take the hello, list the agent in
/// the registry as a <see cref="RemoteAgent"/>, then route what it sends until the stream ends or goes
/// silent past the heartbeat timeout. However the stream ends, the agent goes offline and its runs end
/// as agentLost — never left running.
/// </summary>
internal sealed partial class AgentHubService(
    AgentTokens tokens,
    AgentRegistry registry,
    ProbeDispatcher dispatcher,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    IOptions<AgentHubOptions> options,
    ILogger<AgentHubService> logger) : Contracts.V1.AgentHub.AgentHubBase
{
    /// <summary>The path every call of this service starts with.</summary>
    public const string PathPrefix = "/smtpprobehub.v1.AgentHub";

    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<HubMessage> responseStream, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var remote = $"{http.Connection.RemoteIpAddress}:{http.Connection.RemotePort}";
        var authorization = context.RequestHeaders.GetValue("authorization");
        var tokenName = tokens.Verify(authorization);
        if (tokenName is null)
        {
            LogRefusedToken(remote, authorization is null ? "no bearer token sent" : "unknown or revoked token");
            throw new RpcException(new Status(StatusCode.Unauthenticated, "unknown or revoked agent token"));
        }

        var settings = options.Value;
        var hello = await ReadHelloAsync(requestStream, remote, TimeSpan.FromSeconds(settings.HelloTimeoutSeconds), context.CancellationToken);
        // The hub stopping ends every stream at once (agents reconnect later) instead of holding the stop for Kestrel's timeout.
        using var session = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        await using var stream = new AgentStream(responseStream, session.Token);
        var agent = new RemoteAgent(hello, stream, time, logger);
        // The welcome is queued before the agent is listed, so no assignment can overtake it.
        stream.Send(new HubMessage
        {
            Welcome = new Welcome
            {
                Accepted = true,
                HeartbeatInterval = Duration.FromTimeSpan(TimeSpan.FromSeconds(settings.HeartbeatSeconds)),
                ServerTime = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
            },
        });
        using var registration = registry.Register(agent, new AgentConnection(hello.Version, remote), hello.InFlight);
        // A newer connection with the same agent id takes over: end this one.
        using var replaced = registration.Lost.Register(session.Cancel);
        LogConnected(hello.Name, hello.AgentId, remote, tokenName, hello.Capacity);

        var lastSeen = new LastSeen(time);
        var why = "the agent closed the stream";
        try
        {
            var reading = ReadAllAsync(requestStream, agent, registration, lastSeen, session.Token);
            var watching = WatchHeartbeatsAsync(lastSeen, TimeSpan.FromSeconds(settings.HeartbeatTimeoutSeconds), session.Token);
            var first = await Task.WhenAny(reading, watching, stream.Writer);
            why = first == watching && !session.IsCancellationRequested
                ? $"no heartbeat for {settings.HeartbeatTimeoutSeconds:0.#}s"
                : !registration.IsOnline ? "replaced by a newer connection with the same agent id"
                : lifetime.ApplicationStopping.IsCancellationRequested ? "the hub is stopping"
                : context.CancellationToken.IsCancellationRequested ? "the connection was closed"
                : first.IsFaulted ? $"stream error: {first.Exception?.InnerException?.Message}"
                : why;
        }
        finally
        {
            await session.CancelAsync();
            agent.Disconnect($"{hello.Name}: {why}");
            registry.MarkOffline(registration);
            LogDisconnected(hello.Name, hello.AgentId, why, agent.Pending);
        }
    }

    private async Task<Hello> ReadHelloAsync(IAsyncStreamReader<AgentMessage> requestStream, string remote, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var helloTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        helloTimeout.CancelAfter(timeout);
        bool received;
        try
        {
            received = await requestStream.MoveNext(helloTimeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogBadHello(remote, "no hello in time");
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "no hello in time"));
        }

        if (!received || requestStream.Current.KindCase != AgentMessage.KindOneofCase.Hello)
        {
            LogBadHello(remote, "the first message was not a hello");
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message must be a hello"));
        }

        var hello = requestStream.Current.Hello;
        if (HelloRules.Problem(hello) is { } problem)
        {
            LogBadHello(remote, problem);
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"hello refused: {problem}"));
        }

        return hello;
    }

    private async Task ReadAllAsync(IAsyncStreamReader<AgentMessage> requestStream, RemoteAgent agent, AgentRegistration registration, LastSeen lastSeen, CancellationToken cancellationToken)
    {
        while (await requestStream.MoveNext(cancellationToken))
        {
            lastSeen.Touch();
            registry.Touch(agent.Id);
            var message = requestStream.Current;
            try
            {
                switch (message.KindCase)
                {
                    case AgentMessage.KindOneofCase.Progress:
                        agent.OnProgress(message.Progress);
                        break;
                    case AgentMessage.KindOneofCase.ProgressBatch:
                        OnProgressBatch(agent, message.ProgressBatch);
                        break;
                    case AgentMessage.KindOneofCase.Result:
                        await OnResultAsync(agent, message.Result, cancellationToken);
                        break;
                    case AgentMessage.KindOneofCase.Heartbeat:
                        registration.AgentReports(message.Heartbeat.InFlight);
                        break;
                    case AgentMessage.KindOneofCase.Rejected:
                        LogRejected(agent.Name, message.Rejected.RunId, message.Rejected.Reason);
                        agent.OnRejected(message.Rejected);
                        break;
                }
            }
            catch (WireFormatException ex)
            {
                // One unreadable message must not take the agent offline.
                LogUnreadable(agent.Name, message.KindCase.ToString(), ex.Message);
            }
        }
    }

    private void OnProgressBatch(RemoteAgent agent, ProgressBatch batch)
    {
        foreach (var progress in batch.Items)
        {
            try
            {
                agent.OnProgress(progress);
            }
            catch (WireFormatException ex)
            {
                // As for a single message: one unreadable line does not cost the others.
                LogUnreadable(agent.Name, nameof(AgentMessage.KindOneofCase.ProgressBatch), ex.Message);
            }
        }
    }

    private async Task OnResultAsync(RemoteAgent agent, RunResult result, CancellationToken cancellationToken)
    {
        if (agent.TryComplete(result))
        {
            if (result.Outcome != RunOutcome.Completed)
            {
                agent.ResultStoredNow(result.RunId); // nothing of the agent's to store: the hub records the run's end itself
            }

            return; // a completed result is acked by the dispatcher once stored (IAcknowledgesResults)
        }

        // No run waits for it here: sent again after a reconnect or a hub restart, or after the hub gave up.
        if (result.Outcome == RunOutcome.Completed && Guid.TryParseExact(result.RunId, "D", out var runId) && ProbeWire.ResultOf(result) is { } probeResult)
        {
            await dispatcher.RecordLateResultAsync(runId, probeResult, cancellationToken);
        }

        agent.ResultStoredNow(result.RunId);
    }

    private static async Task WatchHeartbeatsAsync(LastSeen lastSeen, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var check = TimeSpan.FromMilliseconds(Math.Clamp(timeout.TotalMilliseconds / 5, 100, 1000));
        while (lastSeen.Silence < timeout)
        {
            await Task.Delay(check, lastSeen.Time, cancellationToken);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Agent connection from {Remote} refused: {Why}")]
    private partial void LogRefusedToken(string remote, string why);

    [LoggerMessage(LogLevel.Warning, "Agent connection from {Remote} refused: {Why}")]
    private partial void LogBadHello(string remote, string why);

    [LoggerMessage(LogLevel.Information, "Agent {AgentName} ({AgentId}) connected from {Remote} with token '{TokenName}', capacity {Capacity}")]
    private partial void LogConnected(string agentName, string agentId, string remote, string tokenName, int capacity);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentName} ({AgentId}) disconnected: {Why}; {Pending} run(s) in flight become agentLost")]
    private partial void LogDisconnected(string agentName, string agentId, string why, int pending);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentName} refused run {RunId}: {Reason}")]
    private partial void LogRejected(string agentName, string runId, string reason);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentName} sent an unreadable {Kind}: {Error}")]
    private partial void LogUnreadable(string agentName, string kind, string error);
}
