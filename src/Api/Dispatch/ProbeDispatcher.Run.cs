using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Dispatch;

public sealed partial class ProbeDispatcher
{
    private async Task ExecuteAsync(ActiveProbe probe, AgentRegistration agent, RunAssignment assignment, RunRecorder recorder)
    {
        // A message-template scope: the console shows "Probe … run … on …" (a dictionary printed as its type name),
        // structured sinks still get ProbeId, RunId and AgentId as fields.
        using var scope = logger.BeginScope("Probe {ProbeId} run {RunId} on {AgentId}", probe.Id, assignment.RunId, agent.Agent.Id);
        if (!await RecordedAsync(probe))
        {
            return;
        }

        var (status, result, diagnosis) = await RunOnAgentAsync(probe, agent, assignment, recorder);
        if (!probe.RunEnded())
        {
            await StoreEndAsync(agent, assignment, recorder, status, result, diagnosis, probeEnd: null);
            return;
        }

        // The last run ends the probe, in the same write as its own end: one commit. The other runs' ends are
        // settled first, so the probe's row never says completed while one of its runs still says running.
        var probeEnd = new ProbeEnd(probe.Cancel.IsCancellationRequested ? ProbeStatus.Canceled : ProbeStatus.Completed, StoredTime.Now(time));
        await Task.WhenAll(probe.Recorders.Where(r => r != recorder).Select(r => r.EndStoreSettled));
        await StoreEndAsync(agent, assignment, recorder, status, result, diagnosis, probeEnd);
        await EndProbeAsync(probe, probeEnd);
    }

    /// <summary>
    /// Waits for a capacity slot on the agent (at most <see cref="DispatchOptions.QueueTimeoutSeconds"/>), then runs the
    /// assignment with its time budget counted from that moment: however long a run queued, it gets its whole
    /// totalSeconds. A refusal by the agent puts the run back in the queue instead of losing it.
    /// </summary>
    private async Task<(RunStatus Status, ProbeResult? Result, Diagnosis? Diagnosis)> RunOnAgentAsync(
        ActiveProbe probe, AgentRegistration agent, RunAssignment assignment, RunRecorder recorder)
    {
        using var queueTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.Value.QueueTimeoutSeconds), time);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(probe.Cancel.Token, queueTimeout.Token, agent.Lost, _stopping.Token);
        while (true)
        {
            try
            {
                await agent.Slots.WaitAsync(waiting.Token);
            }
            catch (OperationCanceledException) when (waiting.IsCancellationRequested)
            {
                return probe.Cancel.IsCancellationRequested ? (RunStatus.Canceled, null, RunDiagnoses.Canceled)
                    : _stopping.IsCancellationRequested ? (RunStatus.AgentLost, null, RunDiagnoses.HubStopping)
                    : queueTimeout.IsCancellationRequested ? (RunStatus.QueueTimedOut, null, RunDiagnoses.QueueTimedOut(options.Value.QueueTimeoutSeconds))
                    : (RunStatus.AgentLost, null, RunDiagnoses.AgentLost);
            }

            var started = time.GetUtcNow();
            var budgeted = assignment with { Deadline = started.AddSeconds(assignment.Plan.Timeouts.TotalSeconds + options.Value.DeadlineGraceSeconds) };
            agent.RunStarted();
            recorder.Started();
            var outcome = await RunWithSlotAsync(probe, agent, budgeted, recorder);
            if (outcome is { } ended)
            {
                return ended;
            }

            // Refused by the agent (it was busy or stopping): queue again after a pause, within the same queue timeout.
            try
            {
                await Task.Delay(RejectedRetryPause, time, waiting.Token);
            }
            catch (OperationCanceledException)
            {
                // The wait above reports why.
            }
        }
    }

    private static readonly TimeSpan RejectedRetryPause = TimeSpan.FromSeconds(1);

    /// <summary>One attempt on the agent holding one slot; null when the agent refused the assignment (the run queues again).</summary>
    private async Task<(RunStatus, ProbeResult?, Diagnosis?)?> RunWithSlotAsync(ActiveProbe probe, AgentRegistration agent, RunAssignment assignment, RunRecorder recorder)
    {
        using var deadline = new CancellationTokenSource(Clamp(assignment.Deadline - time.GetUtcNow()), time);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(probe.Cancel.Token, deadline.Token, agent.Lost, _stopping.Token);
        var stillOnAgent = false;
        try
        {
            var result = await agent.Agent.RunAsync(assignment, recorder, run.Token);
            return (RunStatus.Completed, result, null);
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            // Cancel, deadline or the agent going away: the agent may still be stopping the dialog (see the slot below).
            stillOnAgent = !agent.Lost.IsCancellationRequested;
            return probe.Cancel.IsCancellationRequested ? (RunStatus.Canceled, null, RunDiagnoses.Canceled)
                : _stopping.IsCancellationRequested ? (RunStatus.AgentLost, null, RunDiagnoses.HubStopping)
                : deadline.IsCancellationRequested ? (RunStatus.TimedOut, null, RunDiagnoses.TimedOut)
                : (RunStatus.AgentLost, null, RunDiagnoses.AgentLost);
        }
        catch (AgentRejectedException ex)
        {
            LogRejectedRequeued(agent.Agent.Name, ex.Message);
            return null;
        }
        catch (AgentLostException ex)
        {
            LogAgentLost(agent.Agent.Name, ex.Message);
            return (RunStatus.AgentLost, null, RunDiagnoses.AgentLost);
        }
        catch (Exception ex)
        {
            // A bug in an agent implementation must end the run, not leave it running.
            LogAgentFailed(ex, agent.Agent.Name);
            return (RunStatus.AgentLost, null, RunDiagnoses.AgentFailed(agent.Agent.Name));
        }
        finally
        {
            // A remote agent told to stop a dialog still runs it until it says so: its slot stays taken until then, so the
            // hub never gives an agent more than its capacity, also across cancels and deadlines.
            var stopped = stillOnAgent && agent.Agent is IHoldsCapacityUntilStopped holds ? holds.StoppedOnAgent(assignment.RunId) : Task.CompletedTask;
            if (stopped.IsCompleted)
            {
                ReleaseSlot(agent);
            }
            else
            {
                _ = stopped.ContinueWith(_ => ReleaseSlot(agent), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    private static void ReleaseSlot(AgentRegistration agent)
    {
        agent.RunEnded();
        agent.Slots.Release();
    }

    /// <summary>
    /// Waits for the probe's row to commit. False when it could not be: the probe was refused (503), so the run ends
    /// here without a trace, having connected to nothing.
    /// </summary>
    private async Task<bool> RecordedAsync(ActiveProbe probe)
    {
        try
        {
            await probe.Stored;
            return true;
        }
        catch (Exception)
        {
            metrics.RunNotRecorded();
            if (probe.RunEnded())
            {
                var final = probe.Snapshot() with { Status = ProbeStatus.Canceled };
                bus.Close(probe.Id, Probes.ProbeViews.From(final));
                _active.TryRemove(probe.Id, out _);
                probe.Ended.TrySetResult(final);
            }

            return false;
        }
    }

    /// <summary>
    /// Stores the run's end. While storage is unavailable (disk full, locked, read-only) it tries again with a growing
    /// pause until it succeeds or the hub stops (then the next start ends the run as interrupted): never left running.
    /// The agent's result is acknowledged only once stored, so an agent keeps it meanwhile.
    /// </summary>
    private async Task StoreEndAsync(AgentRegistration agent, RunAssignment assignment, RunRecorder recorder, RunStatus status, ProbeResult? result, Diagnosis? diagnosis, ProbeEnd? probeEnd)
    {
        var pause = TimeSpan.FromSeconds(1);
        try
        {
            while (true)
            {
                try
                {
                    await recorder.EndedAsync(status, result, diagnosis, probeEnd);
                    (agent.Agent as IAcknowledgesResults)?.ResultStored(assignment.RunId);
                    LogRunEnded(status, result?.Verdict);
                    return;
                }
                catch (Exception ex) when (StorageHealth.IsUnavailable(ex) && !_stopping.IsCancellationRequested)
                {
                    LogEndStoreRetry(assignment.RunId, ex.Message, pause.TotalSeconds);
                }

                try
                {
                    await Task.Delay(pause, time, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                pause = TimeSpan.FromSeconds(Math.Min(30, pause.TotalSeconds * 2));
            }
        }
        catch (Exception ex)
        {
            LogStoreFailed(ex);
        }
        finally
        {
            recorder.EndStoreDone();
        }
    }

    private async Task EndProbeAsync(ActiveProbe probe, ProbeEnd probeEnd)
    {
        var final = probe.Snapshot() with { Status = probeEnd.Status, EndedAt = probeEnd.At };
        try
        {
            // The recorders hold what was stored, so the answer needs no read-back; only a run whose end storage
            // refused (it was ended elsewhere) or could not write makes storage, not memory, the truth.
            if (!probe.Recorders.TrueForAll(r => r.EndStored))
            {
                final = await store.GetAsync(probe.Id, CancellationToken.None) ?? final;
            }
        }
        catch (Exception ex)
        {
            LogStoreFailed(ex);
        }
        finally
        {
            // A confirming probe's events stay open for its delivery stage (Returns/Delivery).
            deliveryStage.CloseEvents(final);
            _active.TryRemove(probe.Id, out _);
            probe.Ended.TrySetResult(final);
        }
    }

    private static TimeSpan Clamp(TimeSpan untilDeadline) => untilDeadline < TimeSpan.Zero ? TimeSpan.Zero : untilDeadline;
}
