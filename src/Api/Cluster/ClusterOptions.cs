namespace SmtpProbeHub.Api.Cluster;

/// <summary>
/// Several hub replicas on one PostgreSQL (section <c>Hub:Cluster</c>). On when <c>Hub:Storage:Provider</c> is
/// <c>postgres</c>; SQLite is always one hub.
/// </summary>
public sealed class ClusterOptions
{
    public const string Section = "Hub:Cluster";

    /// <summary>
    /// This replica's name, unique among the replicas sharing the database (e.g. hub-a). Default: the machine's name,
    /// which two replicas on one machine must override. A second live process with a taken name is refused at start.
    /// </summary>
    public string? ReplicaId { get; set; }

    /// <summary>
    /// The key replicas seal relayed assignments with (an AUTH password travels to the replica holding the agent's
    /// stream through the database, encrypted, and is deleted when the run ends). The same on every replica; at least
    /// 32 characters. Required on PostgreSQL.
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>How long a replica's and its agents' leases last without renewal: a replica dead this long is swept.</summary>
    public double LeaseSeconds { get; set; } = 10;

    /// <summary>How often leases are renewed (well under <see cref="LeaseSeconds"/>).</summary>
    public double RenewSeconds { get; set; } = 2;

    /// <summary>The polling fallback behind LISTEN/NOTIFY: the longest a lost notification delays anything.</summary>
    public int PollMilliseconds { get; set; } = 1000;

    internal string EffectiveReplicaId => string.IsNullOrWhiteSpace(ReplicaId) ? Environment.MachineName : ReplicaId;
}
