using Microsoft.EntityFrameworkCore;
using SmtpProbeHub.Api.Dispatch;

namespace SmtpProbeHub.Api.Storage.Sqlite;

/// <summary>
/// The four writes every probe makes, as plain parameterised SQL through EF Core. As LINQ (a tracked insert,
/// ExecuteUpdate) each one built and translated an expression tree per call: a third of the hub's CPU per probe
/// and much of its garbage (dotnet-trace, bench/, issue 6). Reads and the rare writes stay in LINQ.
/// Keys are written the way EF Core's SQLite provider stores a Guid (upper-case text), so rows written here and
/// rows read through the model are the same rows; the storage tests hold both sides to that.
/// </summary>
internal static class HotPathSql
{
    private static readonly string Queued = nameof(RunStatus.Queued);
    private static readonly string Running = nameof(RunStatus.Running);
    private static readonly string AgentLost = nameof(RunStatus.AgentLost);

    public static string Key(Guid id) => id.ToString("D").ToUpperInvariant();

    public static async Task InsertProbeAsync(HubDbContext db, ProbeRow probe, IEnumerable<RunRow> runs, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO probes (Id, CreatedAtMs, Status, PlanJson, Server, Domain, EndedAtMs, BodyBytes, BodySha256, BodyTruncated, MonitorId)
            VALUES ({Key(probe.Id)}, {probe.CreatedAtMs}, {probe.Status}, {probe.PlanJson}, {probe.Server}, {probe.Domain}, {probe.EndedAtMs},
                {probe.BodyBytes}, {probe.BodySha256}, {probe.BodyTruncated}, {(probe.MonitorId is { } monitor ? Key(monitor) : null)})
            """, cancellationToken);
        foreach (var run in runs)
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO runs (Id, ProbeId, Ordinal, AgentId, AgentName, AgentLabelsJson, Status)
                VALUES ({Key(run.Id)}, {Key(run.ProbeId)}, {run.Ordinal}, {run.AgentId}, {run.AgentName}, {run.AgentLabelsJson}, {run.Status})
                """, cancellationToken);
        }
    }

    public static Task<int> MarkRunStartedAsync(HubDbContext db, Guid runId, long startedAtMs, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE runs SET Status = {Running}, StartedAtMs = {startedAtMs}
            WHERE Id = {Key(runId)} AND Status = {Queued}
            """, cancellationToken);

    /// <summary>
    /// Ends a run if it may end: an unfinished run may end any way; an ended run only moves from agentLost to
    /// completed (a result the agent kept while it or the hub was away). Anything else would rewrite history.
    /// Only the agent the run was assigned to can end it.
    /// </summary>
    public static Task<int> EndRunAsync(HubDbContext db, Guid runId, string agentId, RunRow end, bool lateResultAllowed, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE runs SET Status = {end.Status}, Verdict = {end.Verdict}, StartedAtMs = COALESCE(StartedAtMs, {end.StartedAtMs}),
                EndedAtMs = {end.EndedAtMs}, ResultJson = {end.ResultJson}, DiagnosisJson = {end.DiagnosisJson},
                StepsJson = {end.StepsJson}, TranscriptJson = {end.TranscriptJson}
            WHERE Id = {Key(runId)} AND AgentId = {agentId} AND (Status IN ({Queued}, {Running}) OR ({lateResultAllowed} AND Status = {AgentLost}))
            """, cancellationToken);

    public static Task<int> SetProbeStatusAsync(HubDbContext db, Guid probeId, string status, long? endedAtMs, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE probes SET Status = {status}, EndedAtMs = {endedAtMs} WHERE Id = {Key(probeId)}
            """, cancellationToken);
}
