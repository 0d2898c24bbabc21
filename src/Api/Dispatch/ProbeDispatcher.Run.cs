using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Dispatch;

public sealed partial class ProbeDispatcher
{
    private async Task ExecuteAsync(ActiveProbe probe, AgentRegistration agent, RunAssignment assignment, RunRecorder recorder)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["ProbeId"] = probe.Id, ["RunId"] = assignment.RunId, ["AgentId"] = agent.Agent.Id });
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
            await recorder.StartedAsync();
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
        finally
        {
            if (probe.RunEnded())
            {
                await EndProbeAsync(probe);
            }
        }
    }

    private async Task EndProbeAsync(ActiveProbe probe)
    {
        try
        {
            var status = probe.Cancel.IsCancellationRequested ? ProbeStatus.Canceled : ProbeStatus.Completed;
            await store.SetProbeStatusAsync(probe.Id, status, time.GetUtcNow(), CancellationToken.None);
            var final = await store.GetAsync(probe.Id, CancellationToken.None);
            bus.Close(probe.Id, final is null ? new { id = probe.Id, status } : Probes.ProbeViews.From(final));
        }
        catch (Exception ex)
        {
            LogStoreFailed(ex);
            bus.Close(probe.Id, new { id = probe.Id });
        }
        finally
        {
            active.TryRemove(probe.Id, out _);
            probe.Ended.TrySetResult();
        }
    }

    private static TimeSpan Clamp(TimeSpan untilDeadline) => untilDeadline < TimeSpan.Zero ? TimeSpan.Zero : untilDeadline;
}
