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
        using var deadline = new CancellationTokenSource(Clamp(assignment.Deadline - time.GetUtcNow()), time);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(probe.Cancel.Token, deadline.Token, agent.Lost, stopping.Token);
        RunStatus status;
        ProbeResult? result = null;
        Diagnosis? diagnosis = null;
        var holdsSlot = false;
        try
        {
            await agent.Slots.WaitAsync(run.Token);
            holdsSlot = true;
            agent.RunStarted();
            recorder.Started();
            result = await agent.Agent.RunAsync(assignment, recorder, run.Token);
            status = RunStatus.Completed;
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            (status, diagnosis) = probe.Cancel.IsCancellationRequested ? (RunStatus.Canceled, RunDiagnoses.Canceled)
                : stopping.IsCancellationRequested ? (RunStatus.AgentLost, RunDiagnoses.HubStopping)
                : deadline.IsCancellationRequested ? (RunStatus.TimedOut, RunDiagnoses.TimedOut)
                : (RunStatus.AgentLost, RunDiagnoses.AgentLost);
        }
        catch (AgentLostException ex)
        {
            LogAgentLost(agent.Agent.Name, ex.Message);
            (status, diagnosis) = (RunStatus.AgentLost, RunDiagnoses.AgentLost);
        }
        catch (Exception ex)
        {
            // A bug in an agent implementation must end the run, not leave it running.
            LogAgentFailed(ex, agent.Agent.Name);
            (status, diagnosis) = (RunStatus.AgentLost, RunDiagnoses.AgentFailed(agent.Agent.Name));
        }
        finally
        {
            if (holdsSlot)
            {
                agent.RunEnded();
                agent.Slots.Release();
            }
        }

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

    private async Task StoreEndAsync(AgentRegistration agent, RunAssignment assignment, RunRecorder recorder, RunStatus status, ProbeResult? result, Diagnosis? diagnosis, ProbeEnd? probeEnd)
    {
        try
        {
            await recorder.EndedAsync(status, result, diagnosis, probeEnd);
            (agent.Agent as IAcknowledgesResults)?.ResultStored(assignment.RunId);
            LogRunEnded(status, result?.Verdict);
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
            bus.Close(probe.Id, Probes.ProbeViews.From(final));
            active.TryRemove(probe.Id, out _);
            probe.Ended.TrySetResult(final);
        }
    }

    private static TimeSpan Clamp(TimeSpan untilDeadline) => untilDeadline < TimeSpan.Zero ? TimeSpan.Zero : untilDeadline;
}
