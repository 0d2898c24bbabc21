using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Probes.Comparison;
using SmtpProbeHub.Api.Storage;

namespace SmtpProbeHub.Api.Probes;

/// <summary>Stored records → the contract's JSON shape (the result's fields flattened into the run).</summary>
internal static class ProbeViews
{
    public static ProbeView From(ProbeRecord probe, bool withDetail = true) => new()
    {
        Id = probe.Id,
        CreatedAt = probe.CreatedAt,
        Status = probe.Status,
        EndedAt = probe.EndedAt,
        Server = probe.Plan.Server,
        To = probe.Plan.To,
        Message = withDetail ? MessageOf(probe) : null,
        Runs = [.. probe.Runs.Select(r => From(r, withDetail))],
        Comparison = withDetail ? CompareRuns(probe.Runs) : null,
    };

    private static MessageView MessageOf(ProbeRecord probe)
    {
        var body = StoredBody.Of(probe);
        return new MessageView
        {
            Subject = probe.Plan.Message.Subject ?? "",
            Headers = probe.Plan.Message.Headers ?? new Dictionary<string, string>(),
            Body = probe.Plan.Message.Body ?? "",
            BodyTruncated = body.Truncated,
            BodyBytes = body.Bytes,
            BodySha256 = body.Sha256,
        };
    }

    /// <summary>Only completed runs carry a result to compare; the others are listed as not compared.</summary>
    public static ProbeComparison? CompareRuns(IReadOnlyList<RunRecord> runs) => RunComparer.Compare(
    [
        .. runs.Select(r => new ComparedRun(
            new RunRef(r.Id, r.Agent.Name, ZoneNames.Of(r.Agent.Labels)),
            r.Status == RunStatus.Completed ? r.Result : null)),
    ]);

    public static RunView From(RunRecord run, bool withDetail = true)
    {
        var result = run.Result;
        return new RunView
        {
            Id = run.Id,
            Agent = run.Agent,
            Status = run.Status,
            Verdict = result?.Verdict,
            FailedStep = result?.FailedStep,
            Diagnosis = run.Diagnosis,
            Server = result?.Server,
            DurationMs = result?.DurationMs,
            Steps = withDetail ? run.Steps : [],
            Transcript = withDetail ? run.Transcript : [],
            Resolution = withDetail ? result?.Resolution : null,
            Capabilities = withDetail ? result?.Capabilities : null,
            Tls = withDetail ? result?.Tls : null,
            QueueId = result?.QueueId,
            StartedAt = run.StartedAt,
            EndedAt = run.EndedAt,
        };
    }
}
