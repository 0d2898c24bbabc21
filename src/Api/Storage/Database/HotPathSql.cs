using SmtpProbeHub.Api.Dispatch;

namespace SmtpProbeHub.Api.Storage.Database;

/// <summary>
/// The four writes every probe makes. Keys are upper-case text on both providers (the form EF Core's SQLite
/// provider wrote before the store moved to plain SQL, so older databases keep their rows).
/// </summary>
internal static class HotPathSql
{
    private static readonly string Queued = nameof(RunStatus.Queued);
    private static readonly string Running = nameof(RunStatus.Running);
    private static readonly string AgentLost = nameof(RunStatus.AgentLost);

    public static string Key(Guid id) => id.ToString("D").ToUpperInvariant();

    public static async Task InsertProbeAsync(DbSession db, ProbeRow probe, IEnumerable<RunRow> runs, CancellationToken cancellationToken)
    {
        await db.ExecuteAsync($"""
            INSERT INTO probes (Id, CreatedAtMs, Status, PlanJson, Server, Domain, EndedAtMs, BodyBytes, BodySha256, BodyTruncated, MonitorId, Replica)
            VALUES ({probe.Id}, {probe.CreatedAtMs}, {probe.Status}, {probe.PlanJson}, {probe.Server}, {probe.Domain}, {probe.EndedAtMs},
                {probe.BodyBytes}, {probe.BodySha256}, {probe.BodyTruncated}, {probe.MonitorId}, {probe.Replica})
            """, cancellationToken);
        foreach (var run in runs)
        {
            await db.ExecuteAsync($"""
                INSERT INTO runs (Id, ProbeId, Ordinal, AgentId, AgentName, AgentLabelsJson, Status)
                VALUES ({run.Id}, {run.ProbeId}, {run.Ordinal}, {run.AgentId}, {run.AgentName}, {run.AgentLabelsJson}, {run.Status})
                """, cancellationToken);
        }
    }

    public static Task<int> MarkRunStartedAsync(DbSession db, Guid runId, long startedAtMs, CancellationToken cancellationToken) =>
        db.ExecuteAsync($"""
            UPDATE runs SET Status = {Running}, StartedAtMs = {startedAtMs}
            WHERE Id = {Key(runId)} AND Status = {Queued}
            """, cancellationToken);

    /// <summary>
    /// Ends a run if it may end: an unfinished run may end any way; an ended run only moves from agentLost to
    /// completed (a result the agent kept while it or the hub was away). Anything else would rewrite history.
    /// Only the agent the run was assigned to can end it.
    /// </summary>
    public static Task<int> EndRunAsync(DbSession db, Guid runId, string agentId, RunRow end, bool lateResultAllowed, CancellationToken cancellationToken) =>
        db.ExecuteAsync($"""
            UPDATE runs SET Status = {end.Status}, Verdict = {end.Verdict}, StartedAtMs = COALESCE(StartedAtMs, {end.StartedAtMs}),
                EndedAtMs = {end.EndedAtMs}, ResultJson = {end.ResultJson}, DiagnosisJson = {end.DiagnosisJson},
                StepsJson = {end.StepsJson}, TranscriptJson = {end.TranscriptJson}
            WHERE Id = {Key(runId)} AND AgentId = {agentId} AND (Status IN ({Queued}, {Running}) OR ({lateResultAllowed} AND Status = {AgentLost}))
            """, cancellationToken);

    public static Task<int> SetProbeStatusAsync(DbSession db, Guid probeId, string status, long? endedAtMs, CancellationToken cancellationToken) =>
        db.ExecuteAsync($"""
            UPDATE probes SET Status = {status}, EndedAtMs = {endedAtMs} WHERE Id = {Key(probeId)}
            """, cancellationToken);
}
