using System.Collections.Concurrent;
using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Contracts.Mapping;
using SmtpProbeHub.Contracts.V1;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Agents.Remote;

/// <summary>
/// An agent connected over gRPC, as the dispatcher sees it: a run is an assignment sent down the stream
/// and a result coming back up. One instance per connection; a reconnect registers a new one.
/// </summary>
/// <param name="stillOpen">
/// Several replicas only: whether a run the agent lists (not given on this connection) is still open in storage for it.
/// Its stream went to a replica that died; the run's result, when it comes, is stored as a late result, so the agent
/// finishes it instead of being told to stop. Null for a single hub: a run not given here was ended by this hub.
/// </param>
internal sealed class RemoteAgent(Hello hello, AgentStream stream, TimeProvider time, ILogger logger, Func<Guid, Task<bool>>? stillOpen = null)
    : IProbeAgent, IAcknowledgesResults, IHoldsCapacityUntilStopped
{
    private static readonly TimeSpan AgentDeadlineSlack = TimeSpan.FromSeconds(10);

    /// <summary>How long a cancelled run may hold its slot waiting for the agent to say it stopped (a bound, not the rule).</summary>
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, PendingRun> _pending = new(StringComparer.Ordinal);

    // Runs the hub has given up on (cancel, deadline) that the agent has not yet reported ended.
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _stopping = new(StringComparer.Ordinal);
    private volatile string? _disconnected;

    // Runs from another replica's stream, checked (true: left to finish) or being checked (false) against storage.
    private readonly ConcurrentDictionary<string, bool> _adopted = new(StringComparer.Ordinal);

    public string Id { get; } = hello.AgentId;

    public string Name { get; } = hello.Name;

    public IReadOnlyDictionary<string, string> Labels { get; } = new Dictionary<string, string>(hello.Labels, StringComparer.Ordinal);

    public int Capacity { get; } = hello.Capacity;

    public string Version { get; } = hello.Version;

    public async Task<ProbeResult> RunAsync(RunAssignment assignment, IProbeObserver progress, CancellationToken cancellationToken)
    {
        var runId = assignment.RunId.ToString("D");
        var run = new PendingRun(progress);
        if (!_pending.TryAdd(runId, run))
        {
            throw new InvalidOperationException($"run {runId} is already assigned to {Name}");
        }

        try
        {
            if (_disconnected is { } why || !stream.Send(new HubMessage { Assignment = ProbeWire.ToAssignment(runId, assignment.Plan, assignment.Deadline, assignment.Targets) }))
            {
                throw new AgentLostException(_disconnected ?? "the stream is closing");
            }

            RunResult ended;
            try
            {
                ended = await run.Ended.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Cancel, deadline or the hub stopping: stop the dialog on the agent too. Its own result
                // for this run, if one comes, is acknowledged and otherwise ignored; until it comes the run holds its slot.
                _stopping.TryAdd(runId, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                stream.Send(new HubMessage { Cancel = new Cancel { RunId = runId, Reason = "canceled by the hub" } });
                throw;
            }

            return await OutcomeAsync(ended, cancellationToken);
        }
        finally
        {
            _pending.TryRemove(runId, out _);
        }
    }

    /// <summary>Hands a step or transcript line to its run's sink; false when the run is not pending here.</summary>
    public bool OnProgress(StepProgress progress)
    {
        if (!_pending.TryGetValue(progress.RunId, out var run))
        {
            return false;
        }

        if (ProbeWire.StepOf(progress) is { } step)
        {
            run.Progress.OnStep(step);
        }
        else if (ProbeWire.TranscriptOf(progress) is { } entry)
        {
            run.Progress.OnTranscript(entry);
        }

        return true;
    }

    /// <summary>Ends a pending run with the agent's result; false when no run here waits for it.</summary>
    public bool TryComplete(RunResult result)
    {
        Stopped(result.RunId);
        return _pending.TryGetValue(result.RunId, out var run) && run.Ended.TrySetResult(result);
    }

    /// <inheritdoc />
    public Task StoppedOnAgent(Guid runId) =>
        _stopping.TryGetValue(runId.ToString("D"), out var stopped) ? stopped.Task.WaitAsync(StopWait, time).ContinueWith(_ => { }, TaskScheduler.Default) : Task.CompletedTask;

    /// <summary>
    /// What the agent says it runs (a heartbeat): a run it no longer lists has stopped; a run it lists that is neither
    /// pending nor stopping here belongs to nobody (declared lost, or from an earlier connection): it is told to stop,
    /// so an agent that was frozen or cut off does not go on probing for runs the hub has already ended.
    /// </summary>
    public void OnRunning(IReadOnlyCollection<string> runningRunIds)
    {
        foreach (var runId in _stopping.Keys.Where(id => !runningRunIds.Contains(id)))
        {
            Stopped(runId);
        }

        foreach (var runId in runningRunIds.Where(id => !_pending.ContainsKey(id) && !_stopping.ContainsKey(id) && !_adopted.ContainsKey(id)))
        {
            if (stillOpen is not null && Guid.TryParse(runId, out var id))
            {
                _adopted[runId] = false;
                _ = AdoptOrCancelAsync(runId, id);
                continue;
            }

            CancelForeign(runId);
        }
    }

    private async Task AdoptOrCancelAsync(string runId, Guid id)
    {
        bool open;
        try
        {
            open = await stillOpen!(id);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not check run {RunId} the agent still runs from another replica ({Reason}); telling it to stop", runId, ex.Message);
            open = false;
        }

        if (open)
        {
            _adopted[runId] = true;
            logger.LogInformation("Run {RunId}: agent {AgentName} finishes it from its stream to another replica; its result is stored when it comes", runId, Name);
        }
        else
        {
            CancelForeign(runId);
        }
    }

    private void CancelForeign(string runId) =>
        stream.Send(new HubMessage { Cancel = new Cancel { RunId = runId, Reason = "the hub does not run this on this connection (it ended the run, e.g. as agentLost)" } });

    /// <summary>Before the hub drops a silent agent: tell it to stop every run, so a frozen agent that resumes reads this first.</summary>
    public void CancelAllPending(string why)
    {
        foreach (var runId in _pending.Keys)
        {
            stream.Send(new HubMessage { Cancel = new Cancel { RunId = runId, Reason = why } });
        }
    }

    private void Stopped(string runId)
    {
        if (_stopping.TryRemove(runId, out var stopped))
        {
            stopped.TrySetResult();
        }
    }

    /// <summary>Ends a pending run's attempt as refused by the agent (it queues again); false when the run is not pending here.</summary>
    public bool OnRejected(AssignmentRejected rejected)
    {
        Stopped(rejected.RunId);
        if (!_pending.TryGetValue(rejected.RunId, out var run))
        {
            return false;
        }

        run.Ended.TrySetException(new AgentRejectedException($"{Name} refused the run: {rejected.Reason}"));
        return true;
    }

    /// <summary>The stream is gone: every pending run ends as lost now rather than waiting for its deadline.</summary>
    public void Disconnect(string why)
    {
        _disconnected = why;
        foreach (var run in _pending.Values)
        {
            run.Ended.TrySetException(new AgentLostException(why));
        }

        // Its connection is gone, and with it its capacity: nothing to hold slots for.
        foreach (var runId in _stopping.Keys)
        {
            Stopped(runId);
        }
    }

    public void ResultStored(Guid runId) => ResultStoredNow(runId.ToString("D"));

    /// <summary>Tells the agent it may forget the result of <paramref name="runId"/>.</summary>
    public void ResultStoredNow(string runId) =>
        stream.Send(new HubMessage { ResultAck = new ResultAck { RunId = runId } });

    public int Pending => _pending.Count;

    private async Task<ProbeResult> OutcomeAsync(RunResult ended, CancellationToken cancellationToken)
    {
        switch (ended.Outcome)
        {
            case RunOutcome.Completed:
                return ProbeWire.ResultOf(ended) ?? throw new WireFormatException("a completed result without result_json");
            case RunOutcome.TimedOut:
                // The agent's clock reached the deadline first; the hub's own deadline token is due
                // any moment and ends the run as timedOut. Wait for it rather than guess.
                await Task.Delay(AgentDeadlineSlack, time, cancellationToken);
                throw new AgentLostException($"{Name} reports the deadline passed: {ended.Reason}");
            case RunOutcome.Canceled:
                throw new AgentLostException($"{Name} stopped the run: {ended.Reason}");
            default:
                logger.LogWarning("Agent {AgentName} could not run {RunId}: {Reason}", Name, ended.RunId, ended.Reason);
                throw new InvalidOperationException($"{Name} could not run the probe: {ended.Reason}");
        }
    }
}

/// <summary>A run assigned to a remote agent and not ended yet: where its progress goes and how its end arrives.</summary>
internal sealed class PendingRun(IProbeObserver progress)
{
    public IProbeObserver Progress { get; } = progress;

    public TaskCompletionSource<RunResult> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
