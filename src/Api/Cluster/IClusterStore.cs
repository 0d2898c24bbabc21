using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Cluster;

/// <summary>What hub replicas share through the database (Storage/Database/HubStore.Cluster.cs).</summary>
internal interface IClusterStore
{
    /// <summary>Takes this replica's name for this process: false while another live process holds it.</summary>
    Task<bool> ClaimReplicaAsync(string replica, string instanceKey, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>False when the lease was taken over (this process lost its name).</summary>
    Task<bool> RenewReplicaAsync(string replica, string instanceKey, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    Task ReleaseReplicaAsync(string replica, string instanceKey, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> ExpiredReplicasAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Ends what a dead replica left unfinished (once, whichever replica sweeps first); how many runs.</summary>
    Task<int> SweepReplicaAsync(string replica, Diagnosis diagnosis, DateTimeOffset now, CancellationToken cancellationToken);

    Task PublishPresenceAsync(string replica, IReadOnlyList<AgentPresence> online, IReadOnlyList<string> gone, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Of <paramref name="agentIds"/>, those revoked (on any replica): their streams end wherever they are held.</summary>
    Task<IReadOnlyList<string>> RevokedAmongAsync(IReadOnlyCollection<string> agentIds, CancellationToken cancellationToken);

    /// <summary>Agents whose lease is live, on any replica.</summary>
    Task<IReadOnlyList<AgentPresence>> PresencesAsync(DateTimeOffset now, CancellationToken cancellationToken);

    Task RelayAsync(RelayedRun run, CancellationToken cancellationToken);

    /// <summary>The oldest unclaimed run relayed to an agent, claimed for this replica; null when none.</summary>
    Task<RelayedRun?> ClaimRelayedAsync(string agentId, string replica, DateTimeOffset now, CancellationToken cancellationToken);

    Task AddRelayProgressAsync(Guid runId, string kind, string json, CancellationToken cancellationToken);

    Task<IReadOnlyList<RelayProgress>> RelayProgressAsync(Guid runId, long afterId, CancellationToken cancellationToken);

    Task EndRelayedAsync(Guid runId, string outcome, string? resultJson, string? detail, CancellationToken cancellationToken);

    Task<RelayState?> RelayStateAsync(Guid runId, CancellationToken cancellationToken);

    Task CancelRelayedAsync(Guid runId, CancellationToken cancellationToken);

    Task RelayedResultStoredAsync(Guid runId, DateTimeOffset at, CancellationToken cancellationToken);

    Task DeleteRelayedAsync(Guid runId, CancellationToken cancellationToken);

    /// <summary>Stores live events (in the given order, many rows per statement) and notifies once per probe.</summary>
    Task AppendEventsAsync(IReadOnlyList<MirroredEvent> events, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredProbeEvent>> EventsAsync(Guid probeId, long afterSequence, CancellationToken cancellationToken);

    /// <summary>True when the probe's live events were mirrored (it ran on a replica since schema 8).</summary>
    Task<bool> HasEventsAsync(Guid probeId, CancellationToken cancellationToken);

    /// <summary>
    /// True when the run is this agent's and may still take its result: unfinished, or ended as agentLost in the last two
    /// minutes (the replica that gave it out died; a late result completes it).
    /// </summary>
    Task<bool> RunStillOpenForAsync(Guid runId, string agentId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Asks the probe's owner to cancel it; false when it is not running.</summary>
    Task<bool> RequestCancelAsync(Guid probeId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>This replica's running probes that another replica asked to cancel.</summary>
    Task<IReadOnlyList<Guid>> CancelRequestsAsync(string replica, CancellationToken cancellationToken);
}

/// <summary>An agent's lease: which replica holds its stream, and what the agents listing shows of it.</summary>
internal sealed class AgentPresence
{
    public string AgentId { get; set; } = "";

    public string Replica { get; set; } = "";

    public string Name { get; set; } = "";

    public string LabelsJson { get; set; } = "{}";

    public int Capacity { get; set; }

    public int InFlight { get; set; }

    public string? Version { get; set; }

    public string? RemoteAddress { get; set; }

    public string? Credential { get; set; }

    public long ConnectedAtMs { get; set; }

    public long LastSeenMs { get; set; }

    /// <summary>Not stored: first published by this replica (the others are told at once).</summary>
    public bool IsNew { get; set; }
}

/// <summary>A run handed to the replica that holds its agent; <see cref="Sealed"/> is the assignment, encrypted.</summary>
internal sealed record RelayedRun(Guid RunId, Guid ProbeId, string AgentId, string FromReplica, string Sealed, DateTimeOffset CreatedAt);

/// <summary>One step or transcript line of a relayed run, in order.</summary>
internal sealed class RelayProgress
{
    public long Id { get; set; }

    /// <summary><c>step</c> or <c>transcript</c>.</summary>
    public string Kind { get; set; } = "";

    public string Json { get; set; } = "";
}

/// <summary>Where a relayed run stands.</summary>
internal sealed class RelayState
{
    public string? ClaimedBy { get; set; }

    public bool CancelRequested { get; set; }

    /// <summary>Null while running; <c>completed</c>, <c>canceled</c>, <c>rejected</c> or <c>lost</c>.</summary>
    public string? Outcome { get; set; }

    public string? ResultJson { get; set; }

    public string? Detail { get; set; }

    public long? StoredAtMs { get; set; }
}

/// <summary>A live event on its way to the database.</summary>
internal sealed record MirroredEvent(Guid ProbeId, long Sequence, string Type, string DataJson);

/// <summary>A live event of a probe, kept for readers on other replicas (the SSE stream's id is <see cref="Seq"/>).</summary>
internal sealed class StoredProbeEvent
{
    public long Seq { get; set; }

    public string Type { get; set; } = "";

    public string DataJson { get; set; } = "";
}

/// <summary>The NOTIFY channels.</summary>
internal static class ClusterChannels
{
    /// <summary>Payload: an agent id with a new relayed run.</summary>
    public const string Relay = "smtpprobehub_relay";

    /// <summary>Payload: a relayed run's key (progress, end, cancel, stored).</summary>
    public const string Run = "smtpprobehub_run";

    /// <summary>Payload: a probe's key with new live events.</summary>
    public const string Events = "smtpprobehub_events";

    /// <summary>Payload: a probe's key whose cancel was asked.</summary>
    public const string Cancel = "smtpprobehub_cancel";

    /// <summary>Payload: a replica whose agents changed.</summary>
    public const string Presence = "smtpprobehub_presence";

    public static readonly string[] All = [Relay, Run, Events, Cancel, Presence];
}
