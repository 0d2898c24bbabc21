using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Contracts.Mapping;
using SmtpProbeHub.Contracts.V1;
using SmtpProbeHub.Probe;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Agent.Worker;

/// <summary>
/// Runs assignments concurrently up to the declared capacity, each with its own cancellation:
/// the hub's cancel, the assignment's deadline, or the agent's shutdown. Every run that starts
/// ends with a result that is spooled, then sent.
/// </summary>
internal sealed class RunScheduler(
    IProbeRunner runner,
    ResultSpool spool,
    HubOutbox outbox,
    TimeProvider time,
    IOptions<AgentOptions> options,
    ILogger<RunScheduler> log)
{
    private readonly ConcurrentDictionary<string, ActiveRun> _running = new(StringComparer.Ordinal);
    private volatile bool _accepting = true;

    public int InFlight => _running.Count;

    public IReadOnlyCollection<string> RunningIds => _running.Keys.ToArray();

    public void Accept(Assignment assignment)
    {
        var runId = assignment.RunId;
        if (!ResultSpool.IsValidRunId(runId))
        {
            log.LogWarning("Assignment refused: run id is not 1-64 letters, digits, '_' or '-'");
            return;
        }
        if (_running.ContainsKey(runId))
        {
            return; // the hub re-sent what we are already doing
        }

        if (spool.TryLoad(runId) is { } done)
        {
            outbox.TrySend(new AgentMessage { Result = done }); // already ran: the result is not acked yet
            return;
        }
        if (!_accepting)
        {
            Reject(runId, "agent is shutting down");
            return;
        }
        if (_running.Count >= options.Value.Capacity)
        {
            Reject(runId, $"agent is at its capacity of {options.Value.Capacity}");
            return;
        }

        var cts = new CancellationTokenSource();
        var run = new ActiveRun(runId, cts);
        if (!_running.TryAdd(runId, run))
        {
            return;
        }

        run.Task = Task.Run(() => ExecuteAsync(run, assignment));
    }

    public void Cancel(string runId, string reason)
    {
        if (_running.TryGetValue(runId, out var run))
        {
            log.LogInformation("Run {RunId}: cancel requested ({Reason})", runId, reason);
            run.Cancel(reason);
        }
    }

    public void StopAccepting() => _accepting = false;

    public void CancelAll(string reason)
    {
        foreach (var run in _running.Values)
        {
            run.Cancel(reason);
        }
    }

    /// <summary>Waits until no run is in flight; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitIdleAsync(TimeSpan timeout)
    {
        var tasks = _running.Values.Select(r => r.Task).OfType<Task>().ToArray();
        if (tasks.Length == 0)
        {
            return true;
        }

        var all = Task.WhenAll(tasks);
        return await Task.WhenAny(all, Task.Delay(timeout, time)) == all && _running.IsEmpty;
    }

    private async Task ExecuteAsync(ActiveRun run, Assignment assignment)
    {
        RunResult result;
        try
        {
            result = await RunProbeAsync(run, assignment);
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Run {RunId} failed inside the agent", run.Id);
            result = ProbeWire.ToEnded(run.Id, RunOutcome.Failed, $"agent error: {ex.GetType().Name}", time.GetUtcNow());
        }

        try
        {
            // On disk before it is sent: from here on the result survives a crash until the hub acks it.
            spool.Save(result);
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Run {RunId}: result could not be written to the spool; sending it without a copy", run.Id);
        }
        finally
        {
            _running.TryRemove(run.Id, out _);
            run.Dispose();
        }
        var sent = outbox.TrySend(new AgentMessage { Result = result });
        log.LogInformation("Run {RunId} ended: {Outcome}{Sent}", run.Id, result.Outcome, sent ? "" : " (hub not connected: kept until reconnect)");
    }

    private async Task<RunResult> RunProbeAsync(ActiveRun run, Assignment assignment)
    {
        Probe.Model.ProbePlan plan;
        DateTimeOffset deadline;
        Probe.Targets.TargetPolicy? hubTargets;
        try
        {
            plan = ProbeWire.ToPlan(assignment);
            deadline = ProbeWire.DeadlineOf(assignment);
            hubTargets = ProbeWire.TargetsOf(assignment);
        }
        catch (WireFormatException ex)
        {
            return ProbeWire.ToEnded(run.Id, RunOutcome.Failed, ex.Message, time.GetUtcNow());
        }

        var remaining = deadline - time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            return ProbeWire.ToEnded(run.Id, RunOutcome.TimedOut, "the deadline had passed when the assignment arrived", time.GetUtcNow());
        }

        using var deadlineCts = new CancellationTokenSource(remaining, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(run.Token, deadlineCts.Token);
        log.LogInformation("Run {RunId}: probe {ProbeId} started, deadline {Deadline:O}", run.Id, plan.ProbeId, deadline);
        try
        {
            // The hub's policy narrows the agent's own (Agent:Targets, in the engine's options); it cannot widen it.
            var probe = await runner.RunAsync(plan, hubTargets, new RunProgressObserver(run.Id, outbox), linked.Token);
            return ProbeWire.ToCompleted(run.Id, probe, time.GetUtcNow());
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            return run.CancelReason is { } reason
                ? ProbeWire.ToEnded(run.Id, RunOutcome.Canceled, reason, time.GetUtcNow())
                : ProbeWire.ToEnded(run.Id, RunOutcome.TimedOut, $"deadline {deadline:O} passed", time.GetUtcNow());
        }
    }

    private void Reject(string runId, string reason)
    {
        log.LogWarning("Assignment {RunId} refused: {Reason}", runId, reason);
        outbox.TrySend(new AgentMessage { Rejected = new AssignmentRejected { RunId = runId, Reason = reason } });
    }
}

/// <summary>Streams each step and transcript line of one run to the hub as it happens.</summary>
internal sealed class RunProgressObserver(string runId, HubOutbox outbox) : IProbeObserver
{
    public void OnTranscript(TranscriptEntry entry) =>
        outbox.TrySend(new AgentMessage { Progress = ProbeWire.ToProgress(runId, entry) });

    public void OnStep(ProbeStep step) =>
        outbox.TrySend(new AgentMessage { Progress = ProbeWire.ToProgress(runId, step) });
}
