using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Agents.Local;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Operations;
using SmtpProbeHub.Api.Security;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Contracts;
using SmtpProbeHub.Contracts.Mapping;
using SmtpProbeHub.Contracts.V1;

namespace SmtpProbeHub.Api.Agents.Remote;

/// <summary>
/// The hub's end of <c>AgentHub.Connect</c> for a call whose token the <see cref="AccessPolicies.Agent"/> policy let
/// through: take the hello, bind its agent id to the credential, list the agent in
/// the registry as a <see cref="RemoteAgent"/>, then route what it sends until the stream ends or goes
/// silent past the heartbeat timeout. However the stream ends, the agent goes offline and its runs end
/// as agentLost — never left running.
/// </summary>
internal sealed partial class AgentHubService(
    IAgentIdentityStore identities,
    FailedAuthThrottle throttle,
    HubMetrics metrics,
    IOptions<LocalAgentOptions> localAgent,
    AgentRegistry registry,
    ProbeDispatcher dispatcher,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    IOptions<AgentHubOptions> options,
    IServiceProvider services,
    ILogger<AgentHubService> logger) : Contracts.V1.AgentHub.AgentHubBase
{
    /// <summary>The path every call of this service starts with.</summary>
    public const string PathPrefix = "/smtpprobehub.v1.AgentHub";

    /// <summary>The metadata key an agent sends its own key in (beside its token; see agent_hub.proto).</summary>
    public const string AgentKeyHeader = "x-agent-key";

    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<HubMessage> responseStream, ServerCallContext context)
    {
        // The token and the agent's key were authenticated before the call got here (AgentAuthenticationHandler).
        var http = context.GetHttpContext();
        var client = http.Connection.RemoteIpAddress;
        // Port 0: the address came from a trusted proxy's X-Forwarded-For (Security/ForwardedClients), which names no port.
        var remote = client is not null && http.Connection.RemotePort == 0 ? client.ToString() : $"{client}:{http.Connection.RemotePort}";
        var (token, keyDigest) = AgentCredential.From(http.User);
        var settings = options.Value;
        var hello = await ReadHelloAsync(requestStream, remote, TimeSpan.FromSeconds(settings.HelloTimeoutSeconds), context.CancellationToken);
        if (IsReserved(hello.AgentId))
        {
            throw Refuse(client, "agent_identity", StatusCode.PermissionDenied,
                $"agent id {hello.AgentId} is the hub's built-in agent and cannot be claimed by a remote agent",
                $"token '{token.Name}' claimed the built-in agent's id {hello.AgentId}");
        }

        var admission = await identities.AdmitAsync(
            hello.AgentId, token.Name, token.Kind == AgentTokenKind.PerAgent, keyDigest, time.GetUtcNow(), context.CancellationToken);
        if (!admission.Admitted)
        {
            throw Refuse(client, "agent_identity", StatusCode.PermissionDenied, admission.Refusal!,
                $"{hello.Name} with token '{token.Name}': {admission.Refusal}");
        }

        if (admission.Enrolled)
        {
            LogEnrolled(hello.AgentId, hello.Name, token.Name, remote);
        }

        // The hub stopping ends every stream at once (agents reconnect later) instead of holding the stop for Kestrel's timeout.
        using var session = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        await using var stream = new AgentStream(responseStream, session.Token);
        // Several replicas: a run this agent still runs from its stream to another replica (that died) may be its to finish.
        var cluster = services.GetService<Cluster.IClusterStore>();
        var agent = new RemoteAgent(hello, stream, time, logger,
            cluster is null ? null : runId => cluster.RunStillOpenForAsync(runId, hello.AgentId, time.GetUtcNow(), CancellationToken.None));
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
        using var registration = registry.Register(agent, new AgentConnection(hello.Version, remote, Credential: token.Name), hello.InFlight);
        // A newer connection with the same agent id takes over: end this one.
        using var replaced = registration.Lost.Register(session.Cancel);
        LogConnected(hello.Name, hello.AgentId, remote, token.Name, hello.Capacity);

        var lastSeen = new LastSeen(time);
        var why = "the agent closed the stream";
        var inFlightAtEnd = 0;
        var foreign = new ForeignRunReport(hello.Name, hello.AgentId, metrics, logger);
        try
        {
            var reading = ReadAllAsync(requestStream, agent, registration, lastSeen, foreign, session.Token);
            var watching = WatchHeartbeatsAsync(lastSeen, TimeSpan.FromSeconds(settings.HeartbeatTimeoutSeconds), session.Token);
            var first = await Task.WhenAny(reading, watching, stream.Writer);
            why = first == watching && !session.IsCancellationRequested
                ? $"no heartbeat for {settings.HeartbeatTimeoutSeconds:0.#}s"
                : !registration.IsOnline ? registration.OfflineReason ?? "taken offline by the hub"
                : lifetime.ApplicationStopping.IsCancellationRequested ? "the hub is stopping"
                : context.CancellationToken.IsCancellationRequested ? "the connection was closed"
                : first.IsFaulted ? $"stream error: {first.Exception?.InnerException?.Message}"
                : why;
        }
        finally
        {
            // Counted before the runs are ended: afterwards none is pending any more.
            inFlightAtEnd = agent.Pending;
            if (!lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
            {
                // The hub ends runs the agent may still be running (silent, replaced, revoked): say so on the stream first,
                // so an agent that was frozen reads the cancels before it notices the stream is gone. A hub that is stopping
                // says nothing: its agents keep their results for the next start.
                agent.CancelAllPending($"the hub ended this run: {why}");
                await stream.FlushAndCloseAsync(TimeSpan.FromSeconds(2));
            }

            await session.CancelAsync();
            agent.Disconnect($"{hello.Name}: {why}");
            registry.MarkOffline(registration);
            LogDisconnected(hello.Name, hello.AgentId, why, inFlightAtEnd);
        }
    }

    private bool IsReserved(string agentId) =>
        string.Equals(agentId, localAgent.Value.Id, StringComparison.OrdinalIgnoreCase) || string.Equals(agentId, "hub", StringComparison.OrdinalIgnoreCase);

    /// <summary>Counts and logs a refused credential and builds the error the agent sees (which says why, and never echoes a secret).</summary>
    private RpcException Refuse(System.Net.IPAddress? client, string credential, StatusCode status, string toAgent, string toLog)
    {
        metrics.AuthFailed(credential, throttled: false);
        throttle.RecordFailure(client, credential.Replace('_', ' '), toLog);
        return new RpcException(new Status(status, toAgent));
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

    private async Task ReadAllAsync(
        IAsyncStreamReader<AgentMessage> requestStream, RemoteAgent agent, AgentRegistration registration, LastSeen lastSeen, ForeignRunReport foreign, CancellationToken cancellationToken)
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
                        if (!agent.OnProgress(message.Progress))
                        {
                            foreign.Dropped("progress", message.Progress.RunId);
                        }

                        break;
                    case AgentMessage.KindOneofCase.ProgressBatch:
                        OnProgressBatch(agent, message.ProgressBatch, foreign);
                        break;
                    case AgentMessage.KindOneofCase.Result:
                        await OnResultAsync(agent, message.Result, foreign, cancellationToken);
                        break;
                    case AgentMessage.KindOneofCase.Heartbeat:
                        registration.AgentReports(message.Heartbeat.InFlight);
                        agent.OnRunning(message.Heartbeat.RunningRunIds);
                        break;
                    case AgentMessage.KindOneofCase.Rejected:
                        if (agent.OnRejected(message.Rejected))
                        {
                            LogRejected(agent.Name, message.Rejected.RunId, message.Rejected.Reason);
                        }
                        else
                        {
                            foreign.Dropped("rejected", message.Rejected.RunId);
                        }

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

    private void OnProgressBatch(RemoteAgent agent, ProgressBatch batch, ForeignRunReport foreign)
    {
        foreach (var progress in batch.Items)
        {
            try
            {
                if (!agent.OnProgress(progress))
                {
                    foreign.Dropped("progress", progress.RunId);
                }
            }
            catch (WireFormatException ex)
            {
                // As for a single message: one unreadable line does not cost the others.
                LogUnreadable(agent.Name, nameof(AgentMessage.KindOneofCase.ProgressBatch), ex.Message);
            }
        }
    }

    private async Task OnResultAsync(RemoteAgent agent, RunResult result, ForeignRunReport foreign, CancellationToken cancellationToken)
    {
        if (agent.TryComplete(result))
        {
            if (result.Outcome != RunOutcome.Completed)
            {
                agent.ResultStoredNow(result.RunId); // nothing of the agent's to store: the hub records the run's end itself
            }

            return; // a completed result is acked by the dispatcher once stored (IAcknowledgesResults)
        }

        // No run waits for it here: sent again after a reconnect or a hub restart, or after the hub gave up. It is
        // stored only if the run was assigned to this agent: an agent speaks for its own runs and no others.
        if (result.Outcome == RunOutcome.Completed && Guid.TryParseExact(result.RunId, "D", out var runId) && ProbeWire.ResultOf(result) is { } probeResult
            && await dispatcher.RecordLateResultAsync(runId, agent.Id, probeResult, cancellationToken) == LateResult.NotThisAgents)
        {
            foreign.Dropped("result", result.RunId);
        }

        // Acknowledged either way, so the agent stops re-sending what will never be stored.
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

    [LoggerMessage(LogLevel.Information, "Agent {AgentName} ({AgentId}) enrolled with token '{TokenName}' from {Remote}")]
    private partial void LogEnrolled(string agentId, string agentName, string tokenName, string remote);

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

/// <summary>
/// Messages of one stream that named a run not assigned to this connection: each is counted; the first of the stream
/// is logged, so a misbehaving agent costs one log line per connection, not one per message.
/// </summary>
internal sealed partial class ForeignRunReport(string agentName, string agentId, HubMetrics metrics, ILogger logger)
{
    private int _logged;

    public void Dropped(string kind, string runId)
    {
        metrics.AgentMessageDropped(kind);
        if (Interlocked.Exchange(ref _logged, 1) == 0)
        {
            Log(agentName, agentId, kind, runId);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Agent {AgentName} ({AgentId}) sent a {Kind} for run {RunId}, which is not assigned to it on this connection: dropped (later ones on this connection are only counted, smtpprobehub_agent_messages_dropped_total)")]
    private partial void Log(string agentName, string agentId, string kind, string runId);
}

/// <summary>When an agent's stream last carried anything (any message counts as a heartbeat).</summary>
internal sealed class LastSeen(TimeProvider time)
{
    private long _ticks = time.GetTimestamp();

    public TimeProvider Time => time;

    public TimeSpan Silence => time.GetElapsedTime(Interlocked.Read(ref _ticks));

    public void Touch() => Interlocked.Exchange(ref _ticks, time.GetTimestamp());
}
