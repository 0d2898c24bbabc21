using System.Text.Json;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Serialization;

namespace SmtpProbeHub.Api.Storage.Database;

/// <summary>Rows ↔ records. JSON columns use the contract's own JSON options.</summary>
internal static class RowMapping
{
    public static ProbeRow ToRow(ProbeRecord probe) => ToRow(probe, StoredBody.Of(probe));

    private static ProbeRow ToRow(ProbeRecord probe, StoredBody body) => new()
    {
        Id = HotPathSql.Key(probe.Id),
        CreatedAtMs = probe.CreatedAt.ToUnixTimeMilliseconds(),
        Status = probe.Status.ToString(),
        PlanJson = Json(probe.Plan),
        Server = probe.Plan.Server?.ToLowerInvariant(),
        Domain = DomainOf(probe.Plan),
        EndedAtMs = probe.EndedAt?.ToUnixTimeMilliseconds(),
        BodyBytes = body.Bytes,
        BodySha256 = body.Sha256,
        BodyTruncated = body.Truncated,
        MonitorId = probe.MonitorId is { } monitor ? HotPathSql.Key(monitor) : null,
    };

    public static RunRow ToRow(RunRecord run) => new()
    {
        Id = HotPathSql.Key(run.Id),
        ProbeId = HotPathSql.Key(run.ProbeId),
        Ordinal = run.Ordinal,
        AgentId = run.Agent.Id,
        AgentName = run.Agent.Name,
        AgentLabelsJson = Json(run.Agent.Labels),
        Status = run.Status.ToString(),
    };

    public static void ApplyEnd(RunRow row, RunRecord ended)
    {
        row.Status = ended.Status.ToString();
        row.Verdict = ended.Result?.Verdict.ToString();
        row.StartedAtMs ??= ended.StartedAt?.ToUnixTimeMilliseconds();
        row.EndedAtMs = ended.EndedAt?.ToUnixTimeMilliseconds();
        // A run keeps either the engine's result or, without one, the hub's diagnosis and what was seen until it ended.
        var withoutResult = ended.Result is null;
        row.ResultJson = withoutResult ? null : Json(ended.Result);
        row.DiagnosisJson = withoutResult && ended.Diagnosis is { } diagnosis ? Json(diagnosis) : null;
        row.StepsJson = withoutResult ? Json(ended.Steps) : null;
        row.TranscriptJson = withoutResult ? Json(ended.Transcript) : null;
    }

    public static ProbeRecord ToRecord(ProbeRow row, IEnumerable<RunRow> runs)
    {
        var plan = Read<ProbePlan>(row.PlanJson);
        return new()
        {
            Id = Guid.Parse(row.Id),
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAtMs),
            Status = Enum.Parse<ProbeStatus>(row.Status),
            Plan = plan,
            Body = row is { BodyBytes: { } bytes, BodySha256: { } sha256 } ? new StoredBody(bytes, sha256, row.BodyTruncated) : StoredBody.Whole(plan.Message.Body),
            EndedAt = row.EndedAtMs is { } ended ? DateTimeOffset.FromUnixTimeMilliseconds(ended) : null,
            MonitorId = row.MonitorId is { } monitor ? Guid.Parse(monitor) : null,
            Runs = [.. runs.OrderBy(r => r.Ordinal).Select(ToRecord)],
        };
    }

    public static RunRecord ToRecord(RunRow row) => new()
    {
        Id = Guid.Parse(row.Id),
        ProbeId = Guid.Parse(row.ProbeId),
        Ordinal = row.Ordinal,
        Agent = new AgentRef(row.AgentId, row.AgentName, Read<Dictionary<string, string>>(row.AgentLabelsJson)),
        Status = Enum.Parse<RunStatus>(row.Status),
        StartedAt = row.StartedAtMs is { } started ? DateTimeOffset.FromUnixTimeMilliseconds(started) : null,
        EndedAt = row.EndedAtMs is { } ended ? DateTimeOffset.FromUnixTimeMilliseconds(ended) : null,
        Result = row.ResultJson is null ? null : Read<ProbeResult>(row.ResultJson),
        Diagnosis = row.DiagnosisJson is null ? null : Read<Diagnosis>(row.DiagnosisJson),
        Steps = row.StepsJson is null ? [] : Read<List<ProbeStep>>(row.StepsJson),
        Transcript = row.TranscriptJson is null ? [] : Read<List<TranscriptEntry>>(row.TranscriptJson),
    };

    public static string? DomainOf(ProbePlan plan)
    {
        var first = plan.To.FirstOrDefault();
        var at = first?.LastIndexOf('@') ?? -1;
        return at < 0 ? null : first![(at + 1)..].ToLowerInvariant();
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, ProbeJson.Options);

    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, ProbeJson.Options)
        ?? throw new InvalidDataException($"Stored JSON for {typeof(T).Name} is null.");
}
