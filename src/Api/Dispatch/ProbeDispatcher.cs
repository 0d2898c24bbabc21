using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Agents.Local;
using SmtpProbeHub.Api.Events;
using SmtpProbeHub.Api.Operations;
using SmtpProbeHub.Api.Probes;
using SmtpProbeHub.Api.Security;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Dispatch;

/// <summary>
/// The one dispatch path: picks agents by selector, stores the probe with one run per agent, runs each
/// run on its agent within the agent's capacity (beyond it, runs wait queued), enforces the deadline and
/// cancellation, and records everything through one <see cref="RunRecorder"/> per run.
/// </summary>
public sealed partial class ProbeDispatcher(
    AgentRegistry registry,
    IProbeStore store,
    ProbeEventBus bus,
    HubMetrics metrics,
    TimeProvider time,
    IOptions<DispatchOptions> options,
    IOptions<StorageOptions> storage,
    IOptions<LocalAgentOptions> localAgent,
    HubTargetPolicies targets,
    StorageHealth storageHealth,
    Returns.ReturnAddresses returnAddresses,
    Returns.Delivery.DeliveryStage deliveryStage,
    ILogger<ProbeDispatcher> logger) : IHostedService
{
    private readonly ConcurrentDictionary<Guid, ActiveProbe> _active = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>
    /// Accepts a probe: the plan must be valid and hold its secrets (they stay in memory only).
    /// Throws <see cref="NoAgentsMatchedException"/> when the selector names no online agent, and
    /// <see cref="TargetNotAllowedException"/> when the plan's port or server address is outside an agent's target policy.
    /// Returns the stored probe and a task that completes with the final probe when every run has ended.
    /// <paramref name="monitorId"/> names the monitor whose schedule submits it (GET /api/v1/probes?monitor=).
    /// </summary>
    public async Task<(ProbeRecord Probe, Task<ProbeRecord> Ended)> SubmitAsync(ProbePlan plan, AgentSelector selector, CancellationToken cancellationToken, Guid? monitorId = null)
    {
        if (storageHealth.Problem is { } problem)
        {
            // Known broken: refuse before anything is created or started.
            throw new StorageUnavailableException(problem);
        }

        var agents = selector.Select(registry.Online(), localAgent.Value.Enabled ? localAgent.Value.Id : null);
        if (agents.Count == 0)
        {
            throw new NoAgentsMatchedException(selector.IsDefault
                ? "No agent is online."
                : "No online agent matches the selector (agents.ids / agents.labels / agents.all).");
        }

        foreach (var agent in agents)
        {
            if (targets.CheckPlan(plan, agent.Agent.Labels) is { Allowed: false } refused)
            {
                throw new TargetNotAllowedException(agent.Agent.Name, refused.Rule!);
            }
        }

        var id = Guid.CreateVersion7();
        var now = StoredTime.Now(time);
        plan = plan with { ProbeId = id.ToString() };
        var runs = agents.Select((a, i) => new RunRecord
        {
            Id = Guid.CreateVersion7(),
            ProbeId = id,
            Ordinal = i,
            Agent = new AgentRef(a.Agent.Id, a.Agent.Name, new Dictionary<string, string>(a.Agent.Labels)),
            Status = RunStatus.Queued,
        }).ToList();
        // The agents get the whole plan (assignments below); the record, in memory and in storage, keeps the body cut.
        var (kept, body) = StoredBody.Keep(plan.WithoutSecrets(), storage.Value.MaxStoredBodyBytes);
        var probe = new ProbeRecord { Id = id, CreatedAt = now, Status = ProbeStatus.Running, Plan = kept, Body = body, Runs = runs, MonitorId = monitorId };

        var state = new ActiveProbe(probe);
        state.Recorders.AddRange(runs.Select(run => new RunRecorder(run, store, bus, metrics, time)));
        _active[id] = state;
        bus.Open(id);
        // Queued, not awaited yet: storage applies writes in order, so every later write of these runs lands
        // after the probe's row, and the runs need not wait for the commit to start. Not the request's token:
        // once storing starts, the probe is accepted even if the client goes away.
        var created = store.CreateAsync(probe, CancellationToken.None);
        state.Stored = created;
        LogAccepted(id, runs.Count, string.Join(",", agents.Select(a => a.Agent.Name)));

        var deadline = now.AddSeconds(plan.Timeouts.TotalSeconds + options.Value.DeadlineGraceSeconds);
        for (var i = 0; i < runs.Count; i++)
        {
            var recorder = state.Recorders[i];
            metrics.RunQueued();
            bus.Publish(id, ProbeEvent.Run, ProbeViews.From(runs[i], withDetail: false));
            // A confirming run sends its own return address and ENVID, so its report comes back to this run.
            var assignment = new RunAssignment(runs[i].Id, id, returnAddresses.ForRun(plan, runs[i].Id), deadline, targets.For(agents[i].Agent.Labels));
            var agent = agents[i];
            state.RunTasks.Add(Task.Run(() => ExecuteAsync(state, agent, assignment, recorder), CancellationToken.None));
        }

        try
        {
            await created;
        }
        catch (Exception ex)
        {
            // Not stored, so not accepted: the runs waiting for the row end without a trace (ExecuteAsync).
            LogNotStored(id, ex.Message);
            throw StorageHealth.IsUnavailable(ex) && ex is not StorageUnavailableException ? new StorageUnavailableException(ex.Message, ex) : ex;
        }

        metrics.ProbeAccepted();
        return (probe, state.Ended.Task);
    }

    /// <summary>Cancels a probe in flight. False when it is not in flight here (unknown or already ended).</summary>
    public bool Cancel(Guid probeId)
    {
        if (!_active.TryGetValue(probeId, out var state))
        {
            return false;
        }

        LogCancel(probeId);
        state.Cancel.Cancel();
        return true;
    }

    /// <summary>The task that completes (with the final probe) when a probe in flight here ends; null when it is not in flight.</summary>
    public Task<ProbeRecord>? Ended(Guid probeId) => _active.TryGetValue(probeId, out var state) ? state.Ended.Task : null;

    /// <summary>A probe in flight here as it stands now (from memory, no storage read); null when it is not in flight.</summary>
    public ProbeRecord? Snapshot(Guid probeId) => _active.TryGetValue(probeId, out var state) ? state.Snapshot() : null;

    /// <summary>
    /// Records a result that arrived for a run this hub process is not running (e.g. an agent re-sending
    /// after the hub restarted). Stored at most once per run id, and only when the run was assigned to
    /// <paramref name="agentId"/>: no agent can end another agent's run.
    /// </summary>
    public async Task<LateResult> RecordLateResultAsync(Guid runId, string agentId, ProbeResult result, CancellationToken cancellationToken)
    {
        if (await store.AgentOfRunAsync(runId, cancellationToken) != agentId)
        {
            LogForeignResult(runId, agentId);
            return LateResult.NotThisAgents;
        }

        var stored = await store.EndRunAsync(new RunRecord
        {
            Id = runId,
            ProbeId = Guid.Empty,
            Ordinal = 0,
            Agent = new AgentRef(agentId, "", new Dictionary<string, string>()),
            Status = RunStatus.Completed,
            EndedAt = StoredTime.Now(time),
            Result = result,
        }, cancellationToken);
        LogLateResult(runId, stored);
        return stored ? LateResult.Stored : LateResult.AlreadyEnded;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>On shutdown runs in flight end now (as interrupted) rather than being found unfinished at next start.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        var tasks = _active.Values.SelectMany(p => p.RunTasks).ToArray();
        await Task.WhenAll(tasks).WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}

/// <summary>What became of a result that no run in flight was waiting for.</summary>
public enum LateResult
{
    /// <summary>Stored: the run had ended as agentLost (or was still open) and was this agent's.</summary>
    Stored,

    /// <summary>Not stored: the run had already ended otherwise, or a copy was stored before.</summary>
    AlreadyEnded,

    /// <summary>Not stored: the run is unknown or was assigned to another agent.</summary>
    NotThisAgents,
}

/// <summary>The agent selector named no online agent (answered as 422 <c>no_agents_matched</c>).</summary>
public sealed class NoAgentsMatchedException(string message) : Exception(message);

/// <summary>The plan's port or server address is outside an agent's target policy (answered as 422 <c>target_not_allowed</c>).</summary>
public sealed class TargetNotAllowedException(string agentName, string rule) : Exception($"Agent {agentName}: {rule}.")
{
    /// <summary>The rule that refused it, in words.</summary>
    public string Rule { get; } = rule;
}
