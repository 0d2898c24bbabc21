using System.Text.Json;
using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Storage.Database;
using SmtpProbeHub.Probe;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Serialization;

namespace SmtpProbeHub.Api.Cluster;

/// <summary>
/// An agent whose stream another replica holds, as this replica's dispatcher sees it: a run given to it is relayed
/// through the database to that replica (<see cref="RelayWorker"/>), whose progress comes back into this replica's
/// recorder, so the probe's owner keeps its events, deadline, cancel and end exactly as for its own agents.
/// </summary>
internal sealed class PeerAgent(AgentPresence presence, RelayChannel relay) : IProbeAgent, IAcknowledgesResults
{
    public string Id => presence.AgentId;

    public string Name => presence.Name;

    public IReadOnlyDictionary<string, string> Labels { get; } =
        JsonSerializer.Deserialize<Dictionary<string, string>>(presence.LabelsJson) ?? [];

    public int Capacity => Math.Max(1, presence.Capacity);

    /// <summary>The replica holding the agent's stream.</summary>
    public string Replica => presence.Replica;

    public Task<ProbeResult> RunAsync(RunAssignment assignment, IProbeObserver progress, CancellationToken cancellationToken) =>
        relay.RunAsync(presence.AgentId, assignment, progress, cancellationToken);

    public void ResultStored(Guid runId) => relay.ResultStored(runId);
}

/// <summary>The owner's side of a relayed run: hand it over, follow its progress, pass a cancel, confirm its result is stored.</summary>
internal sealed partial class RelayChannel(IClusterStore store, ClusterSignals signals, AssignmentSeal seal, ReplicaLease lease, TimeProvider time, ILogger<RelayChannel> logger)
{
    public async Task<ProbeResult> RunAsync(string agentId, RunAssignment assignment, IProbeObserver progress, CancellationToken cancellationToken)
    {
        var runId = assignment.RunId;
        var key = HotPathSql.Key(runId);
        await store.RelayAsync(new RelayedRun(runId, assignment.ProbeId, agentId, lease.Replica, seal.Seal(runId, assignment.Plan), time.GetUtcNow()), CancellationToken.None);
        long seen = 0;
        while (true)
        {
            foreach (var item in await store.RelayProgressAsync(runId, seen, CancellationToken.None))
            {
                seen = item.Id;
                Apply(progress, item);
            }

            var state = await store.RelayStateAsync(runId, CancellationToken.None);
            switch (state?.Outcome)
            {
                case "completed":
                    return JsonSerializer.Deserialize<ProbeResult>(state.ResultJson!, ProbeJson.Options)!;
                case "rejected":
                    await store.DeleteRelayedAsync(runId, CancellationToken.None);
                    throw new AgentRejectedException(state.Detail ?? "refused by the agent");
                case "canceled" or "lost":
                    await store.DeleteRelayedAsync(runId, CancellationToken.None);
                    throw new AgentLostException(state.Detail ?? "the agent's connection to its replica ended");
                case null when state is null:
                    // Swept (the holder was taken for dead) or deleted: nothing will come back.
                    throw new AgentLostException("the relayed run is gone from the database");
            }

            if (cancellationToken.IsCancellationRequested)
            {
                // Cancel, deadline or the agent's lease gone: the holder (if alive) stops the dialog and drops the row; the
                // dispatcher decides what the run became. Its capacity is the holder's to keep until the agent stopped.
                LogCancelRelayed(runId, agentId);
                await store.CancelRelayedAsync(runId, CancellationToken.None);
                if (state?.ClaimedBy is null)
                {
                    await store.DeleteRelayedAsync(runId, CancellationToken.None);
                }

                cancellationToken.ThrowIfCancellationRequested();
            }

            await signals.WaitAsync(ClusterChannels.Run, key, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public void ResultStored(Guid runId) => _ = ConfirmAsync(runId);

    private async Task ConfirmAsync(Guid runId)
    {
        try
        {
            await store.RelayedResultStoredAsync(runId, time.GetUtcNow(), CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The holder then never acknowledges: the agent keeps its result and sends it again; it is stored once.
            LogConfirmFailed(runId, ex.Message);
        }
    }

    private static void Apply(IProbeObserver progress, RelayProgress item)
    {
        switch (item.Kind)
        {
            case "step":
                progress.OnStep(JsonSerializer.Deserialize<ProbeStep>(item.Json, ProbeJson.Options)!);
                break;
            case "transcript":
                progress.OnTranscript(JsonSerializer.Deserialize<TranscriptEntry>(item.Json, ProbeJson.Options)!);
                break;
        }
    }

    [LoggerMessage(LogLevel.Information, "Cancel of run {RunId} relayed to the replica holding agent {AgentId}")]
    private partial void LogCancelRelayed(Guid runId, string agentId);

    [LoggerMessage(LogLevel.Warning, "Telling the holder that run {RunId}'s result is stored failed ({Reason})")]
    private partial void LogConfirmFailed(Guid runId, string reason);
}
