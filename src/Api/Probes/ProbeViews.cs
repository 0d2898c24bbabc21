using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Probes.Comparison;
using SmtpProbeHub.Api.Returns.Delivery;
using SmtpProbeHub.Api.Storage;

namespace SmtpProbeHub.Api.Probes;

/// <summary>Stored records → the contract's JSON shape (the result's fields flattened into the run).</summary>
internal static class ProbeViews
{
    /// <param name="probe">The probe as stored (read whole, with the reports of a confirming probe).</param>
    /// <param name="withDetail">False for lists and live run events: no steps, transcript, message, comparison or delivery.</param>
    /// <param name="now">The hub's time, which tells a pending delivery from one that got no report; default the clock's.</param>
    public static ProbeView From(ProbeRecord probe, bool withDetail = true, DateTimeOffset? now = null)
    {
        var view = Build(probe, withDetail, now);
        return withDetail ? view with { Comparison = DeliveryComparison.With(view.Comparison, view.Runs) } : view;
    }

    private static ProbeView Build(ProbeRecord probe, bool withDetail, DateTimeOffset? now) => new()
    {
        Id = probe.Id,
        CreatedAt = probe.CreatedAt,
        Status = probe.Status,
        EndedAt = probe.EndedAt,
        MonitorId = probe.MonitorId,
        Server = probe.Plan.Server,
        To = probe.Plan.To,
        Message = withDetail ? MessageOf(probe) : null,
        Runs = [.. probe.Runs.Select(r => withDetail ? From(r) with { Delivery = DeliveryStates.Of(r, probe.Plan, now ?? DateTimeOffset.UtcNow) } : From(r, withDetail))],
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
        // What was observed comes whole from the result; a run without one shows what the hub saw before it ended.
        var view = run.Result is { } result
            ? new RunView(result, run.Id, run.Agent, run.Status) { Verdict = result.Verdict, DurationMs = result.DurationMs }
            : new RunView { Id = run.Id, Agent = run.Agent, Status = run.Status, Steps = run.Steps, Transcript = run.Transcript };
        view = view with { Diagnosis = run.Diagnosis, StartedAt = run.StartedAt, EndedAt = run.EndedAt };
        return withDetail ? view : view with { Steps = [], Transcript = [], Resolution = null, Capabilities = null, Tls = null };
    }
}
