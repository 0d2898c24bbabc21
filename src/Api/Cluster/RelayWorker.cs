using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Security;
using SmtpProbeHub.Api.Storage.Database;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Serialization;

namespace SmtpProbeHub.Api.Cluster;

/// <summary>
/// The holder's side of relayed runs: for each agent whose stream this replica holds, claims runs other replicas relayed
/// to it, as many as the agent has free capacity here (so capacity holds across replicas: one replica gives an agent
/// its runs, whoever accepted the probes), runs them on the agent and writes their progress and end back for the owner.
/// The agent's result is acknowledged only once the owner says it stored it; until then the agent keeps it on disk.
/// </summary>
internal sealed partial class RelayWorker(
    AgentRegistry registry,
    IClusterStore store,
    ClusterSignals signals,
    AssignmentSeal seal,
    ReplicaLease lease,
    HubTargetPolicies targets,
    IOptions<DispatchOptions> dispatch,
    TimeProvider time,
    ILogger<RelayWorker> logger) : BackgroundService
{
    private static readonly TimeSpan StoredWait = TimeSpan.FromSeconds(60);

    /// <summary>Released when a slot frees here: the next queued run is claimed at once, not at the next poll.</summary>
    private readonly SemaphoreSlim _slotFreed = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var agent in registry.Online().Where(a => !a.Connection.IsLocal && a.Agent is not PeerAgent))
                {
                    await ClaimForAsync(agent, stoppingToken);
                }

                await Task.WhenAny(signals.WaitAsync(ClusterChannels.Relay, ClusterSignals.Any, stoppingToken), _slotFreed.WaitAsync(stoppingToken));
                stoppingToken.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogClaimFailed(ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task ClaimForAsync(AgentRegistration agent, CancellationToken stoppingToken)
    {
        while (agent.IsOnline && agent.Slots.Wait(0))
        {
            RelayedRun? run;
            try
            {
                run = await store.ClaimRelayedAsync(agent.Agent.Id, lease.Replica, time.GetUtcNow(), stoppingToken);
            }
            catch
            {
                agent.Slots.Release();
                throw;
            }

            if (run is null)
            {
                agent.Slots.Release();
                return;
            }

            agent.RunStarted();
            _ = Task.Run(() => RunAsync(agent, run, stoppingToken), CancellationToken.None);
        }
    }

    private async Task RunAsync(AgentRegistration agent, RelayedRun run, CancellationToken stoppingToken)
    {
        using var scope = logger.BeginScope("Relayed run {RunId} of probe {ProbeId} from {Owner} on {AgentId}", run.RunId, run.ProbeId, run.FromReplica, agent.Agent.Id);
        var stillOnAgent = false;
        using var running = CancellationTokenSource.CreateLinkedTokenSource(agent.Lost, stoppingToken);
        try
        {
            ProbePlan plan;
            try
            {
                plan = seal.Open(run.RunId, run.Sealed);
            }
            catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException)
            {
                LogUnsealable(ex.Message);
                await EndAsync(run.RunId, "lost", null, "the run could not be opened: the replicas' Hub:Cluster:SecretKey differ");
                return;
            }

            var deadline = time.GetUtcNow().AddSeconds(plan.Timeouts.TotalSeconds + dispatch.Value.DeadlineGraceSeconds);
            running.CancelAfter(deadline - time.GetUtcNow());
            var assignment = new RunAssignment(run.RunId, run.ProbeId, plan, deadline, targets.For(agent.Agent.Labels));
            var watch = WatchForCancelAsync(run.RunId, running);
            try
            {
                var result = await agent.Agent.RunAsync(assignment, new RelayObserver(store, run.RunId), running.Token);
                await EndAsync(run.RunId, "completed", JsonSerializer.Serialize(result, ProbeJson.Options), null);
                await AcknowledgeWhenStoredAsync(agent, run.RunId, stoppingToken);
            }
            catch (OperationCanceledException) when (running.IsCancellationRequested)
            {
                stillOnAgent = !agent.Lost.IsCancellationRequested;
                var asked = await store.RelayStateAsync(run.RunId, CancellationToken.None) is not { CancelRequested: false };
                if (asked)
                {
                    // The owner cancelled (or swept the row): it no longer reads it.
                    await store.DeleteRelayedAsync(run.RunId, CancellationToken.None);
                }
                else
                {
                    await EndAsync(run.RunId, agent.Lost.IsCancellationRequested ? "lost" : "canceled", null,
                        agent.Lost.IsCancellationRequested ? "the agent's stream to its replica ended" : "the run passed its deadline on the agent's replica");
                }
            }
            catch (AgentRejectedException ex)
            {
                await EndAsync(run.RunId, "rejected", null, ex.Message);
            }
            catch (AgentLostException ex)
            {
                await EndAsync(run.RunId, "lost", null, ex.Message);
            }
            finally
            {
                await running.CancelAsync();
                await watch;
            }
        }
        catch (Exception ex)
        {
            LogRunFailed(ex);
            await EndAsync(run.RunId, "lost", null, $"the agent's replica failed to run it ({ex.GetType().Name})");
        }
        finally
        {
            // As the dispatcher: a dialog told to stop holds its capacity slot until the agent says it stopped.
            var stopped = stillOnAgent && agent.Agent is IHoldsCapacityUntilStopped holds ? holds.StoppedOnAgent(run.RunId) : Task.CompletedTask;
            _ = stopped.ContinueWith(_ =>
            {
                agent.RunEnded();
                agent.Slots.Release();
                _slotFreed.Release();
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Cancels the run when its owner asks (or its row is gone: the owner was swept).</summary>
    private async Task WatchForCancelAsync(Guid runId, CancellationTokenSource running)
    {
        var key = HotPathSql.Key(runId);
        try
        {
            while (!running.IsCancellationRequested)
            {
                await signals.WaitAsync(ClusterChannels.Run, key, running.Token);
                if (await store.RelayStateAsync(runId, running.Token) is null or { CancelRequested: true })
                {
                    await running.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
        catch (Exception ex)
        {
            LogWatchFailed(runId, ex.Message);
        }
    }

    private async Task AcknowledgeWhenStoredAsync(AgentRegistration agent, Guid runId, CancellationToken stoppingToken)
    {
        var until = time.GetUtcNow() + StoredWait;
        var key = HotPathSql.Key(runId);
        while (time.GetUtcNow() < until && !stoppingToken.IsCancellationRequested)
        {
            var state = await store.RelayStateAsync(runId, CancellationToken.None);
            if (state is null)
            {
                return;
            }

            if (state.StoredAtMs is not null)
            {
                (agent.Agent as IAcknowledgesResults)?.ResultStored(runId);
                await store.DeleteRelayedAsync(runId, CancellationToken.None);
                return;
            }

            await signals.WaitAsync(ClusterChannels.Run, key, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        // No word from the owner: not acknowledged, so the agent keeps the result and sends it again; stored once.
        LogNotConfirmed(runId);
    }

    private async Task EndAsync(Guid runId, string outcome, string? resultJson, string? detail)
    {
        try
        {
            await store.EndRelayedAsync(runId, outcome, resultJson, detail, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogEndFailed(runId, ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Claiming relayed runs failed ({Reason}); retrying")]
    private partial void LogClaimFailed(string reason);

    [LoggerMessage(LogLevel.Error, "A relayed run could not be opened ({Reason})")]
    private partial void LogUnsealable(string reason);

    [LoggerMessage(LogLevel.Error, "A relayed run failed on this replica")]
    private partial void LogRunFailed(Exception exception);

    [LoggerMessage(LogLevel.Warning, "Watching relayed run {RunId} for a cancel failed ({Reason})")]
    private partial void LogWatchFailed(Guid runId, string reason);

    [LoggerMessage(LogLevel.Warning, "The owner of relayed run {RunId} did not confirm storing its result; the agent keeps it and sends it again")]
    private partial void LogNotConfirmed(Guid runId);

    [LoggerMessage(LogLevel.Warning, "Writing the end of relayed run {RunId} failed ({Reason})")]
    private partial void LogEndFailed(Guid runId, string reason);

    /// <summary>Writes each step and transcript line for the owner, in order (the store's writes apply in call order).</summary>
    private sealed class RelayObserver(IClusterStore store, Guid runId) : IProbeObserver
    {
        public void OnStep(ProbeStep step) => Send("step", JsonSerializer.Serialize(step, ProbeJson.Options));

        public void OnTranscript(TranscriptEntry entry) => Send("transcript", JsonSerializer.Serialize(entry, ProbeJson.Options));

        private void Send(string kind, string json) =>
            _ = store.AddRelayProgressAsync(runId, kind, json, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
