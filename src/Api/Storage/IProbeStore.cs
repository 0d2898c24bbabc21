using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Storage;

/// <summary>
/// The one storage seam: endpoints and the dispatcher use only this, so a PostgreSQL backend can replace
/// SQLite without touching them. Plans handed in must already have secrets removed and their body cut to what is
/// kept (<see cref="StoredBody.Keep"/>): the dispatcher holds the same record in memory, so both answer alike.
/// Writes apply in the order they were called, whether or not the caller awaits them: the dispatcher relies on
/// it to mark a run started without waiting (its end, written later, always lands after).
/// </summary>
public interface IProbeStore
{
    /// <summary>Creates the schema or brings it up to date.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Stores a new probe with its runs (queued).</summary>
    Task CreateAsync(ProbeRecord probe, CancellationToken cancellationToken);

    Task<ProbeRecord?> GetAsync(Guid id, CancellationToken cancellationToken);

    Task<ProbePage> ListAsync(ProbeQuery query, CancellationToken cancellationToken);

    /// <summary>The id of the agent a run was assigned to; null when there is no such run.</summary>
    Task<string?> AgentOfRunAsync(Guid runId, CancellationToken cancellationToken);

    Task MarkRunStartedAsync(Guid runId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a run. Returns false (and changes nothing) when the run is unknown or already completed: a
    /// result delivered twice is stored once. A run that ended as agentLost may still be completed by a
    /// late result (the agent kept it while the hub was away).
    /// </summary>
    Task<bool> EndRunAsync(RunRecord ended, CancellationToken cancellationToken) => EndRunAsync(ended, null, cancellationToken);

    /// <summary>
    /// As <see cref="EndRunAsync(RunRecord, CancellationToken)"/>; with <paramref name="probeEnd"/> (the probe's last run) the
    /// probe's status and end time are written in the same write, so the end of a probe is one commit.
    /// </summary>
    Task<bool> EndRunAsync(RunRecord ended, ProbeEnd? probeEnd, CancellationToken cancellationToken);

    /// <summary>At start-up: every run still queued/running was interrupted by a stop of the hub.</summary>
    Task<int> InterruptUnfinishedAsync(Diagnosis diagnosis, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Why storage cannot read and write now (readiness: it tries a tiny write); null when it can.</summary>
    Task<string?> ProblemAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes up to <paramref name="batchSize"/> probes, oldest first, with their runs: those created before
    /// <paramref name="createdBefore"/> and those beyond the newest <paramref name="keepNewest"/>. A probe that is still
    /// running is never deleted. One write: whatever is queued behind it waits for one batch at most.
    /// </summary>
    Task<DeletedProbes> DeleteOldProbesAsync(DateTimeOffset? createdBefore, int? keepNewest, int batchSize, CancellationToken cancellationToken);

    /// <summary>Gives the space of deleted rows back to the file system, in small steps; returns how many bytes.</summary>
    Task<long> ReclaimSpaceAsync(CancellationToken cancellationToken);
}

/// <summary>What one retention batch deleted.</summary>
public sealed record DeletedProbes(int Probes, int Runs);

/// <summary>How and when a probe ended, written with its last run's end.</summary>
public sealed record ProbeEnd(ProbeStatus Status, DateTimeOffset At);

/// <summary>One page of probes and the total that match the filters.</summary>
public sealed record ProbePage(IReadOnlyList<ProbeRecord> Items, int Total);

/// <summary>Filters and page of a probe listing. Order is fixed: newest first, then id.</summary>
public sealed record ProbeQuery
{
    public ProbeStatus? Status { get; init; }

    /// <summary>Probes with at least one run of this verdict.</summary>
    public Verdict? Verdict { get; init; }

    /// <summary>Probes with a run on this agent (id or name).</summary>
    public string? Agent { get; init; }

    /// <summary>Probes whose server is this host.</summary>
    public string? Server { get; init; }

    /// <summary>Probes whose first recipient is in this domain.</summary>
    public string? Domain { get; init; }

    /// <summary>Probes run by this monitor's schedule.</summary>
    public Guid? Monitor { get; init; }

    public DateTimeOffset? CreatedFrom { get; init; }

    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>1-based page number.</summary>
    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = 50;
}
