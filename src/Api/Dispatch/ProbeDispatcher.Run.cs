using SmtpProbeHub.Api.Agents;
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

        // Queued now, awaited below: when this is the probe's last run, its end and the probe's end go to storage
        // back to back and commit together.
        var stored = StoreEndAsync(agent, assignment, recorder, status, result, diagnosis);
        probe.StoredEnds.Add(stored);
        if (probe.RunEnded())
        {
            await EndProbeAsync(probe);
        }
        else
        {
            await stored;
        }
    }

    private async Task StoreEndAsync(AgentRegistration agent, RunAssignment assignment, RunRecorder recorder, RunStatus status, ProbeResult? result, Diagnosis? diagnosis)
    {
        try
        {
            await recorder.EndedAsync(status, result, diagnosis);
            (agent.Agent as IAcknowledgesResults)?.ResultStored(assignment.RunId);
            LogRunEnded(status, result?.Verdict);
        }
        catch (Exception ex)
        {
            LogStoreFailed(ex);
        }
    }

    private async Task EndProbeAsync(ActiveProbe probe)
    {
        var status = probe.Cancel.IsCancellationRequested ? ProbeStatus.Canceled : ProbeStatus.Completed;
        var final = probe.Snapshot() with { Status = status, EndedAt = StoredTime.Now(time) };
        try
        {
            var statusStored = store.SetProbeStatusAsync(probe.Id, status, final.EndedAt, CancellationToken.None);
            await Task.WhenAll(probe.StoredEnds);
            await statusStored;
            // The recorders hold what was stored, so the answer needs no read-back; only a run whose end storage
            // refused (it was ended elsewhere) makes storage, not memory, the truth.
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
