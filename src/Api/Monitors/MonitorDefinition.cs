using SmtpProbeHub.Api.Monitors.Scheduling;
using SmtpProbeHub.Api.Probes;

namespace SmtpProbeHub.Api.Monitors;

/// <summary>
/// A monitor as stored: the request with every default applied, webhook secrets included (they sign deliveries; no
/// view or log shows them). Stored as JSON, so a field added later needs no schema change.
/// </summary>
internal sealed record MonitorDefinition
{
    public const int DefaultFailuresToAlert = 2;
    public const int DefaultPassesToRecover = 1;

    public required string Name { get; init; }

    public required ProbeRequest Probe { get; init; }

    public required ScheduleRequest Schedule { get; init; }

    public int FailuresToAlert { get; init; } = DefaultFailuresToAlert;

    public int PassesToRecover { get; init; } = DefaultPassesToRecover;

    public int? CertExpiryDays { get; init; }

    public int? SlowStepMs { get; init; }

    public IReadOnlyList<WebhookTarget> Webhooks { get; init; } = [];

    /// <summary>The parsed schedule (the definition was validated when stored).</summary>
    public MonitorSchedule ParsedSchedule() => MonitorSchedule.From(Schedule);

    /// <summary>A validated request with its defaults applied; secrets left out of the request come from <paramref name="previous"/> (same URL).</summary>
    public static MonitorDefinition From(MonitorRequest request, MonitorDefinition? previous) => new()
    {
        Name = request.Name!.Trim(),
        Probe = request.Probe!,
        Schedule = request.Schedule!,
        FailuresToAlert = request.Alerts?.FailuresToAlert ?? DefaultFailuresToAlert,
        PassesToRecover = request.Alerts?.PassesToRecover ?? DefaultPassesToRecover,
        CertExpiryDays = request.Alerts?.CertExpiryDays,
        SlowStepMs = request.Alerts?.SlowStepMs,
        Webhooks = [.. (request.Notify?.Webhooks ?? []).Select(w => new WebhookTarget(w.Url!.Trim(), w.Secret ?? KeptSecret(previous, w.Url!.Trim())!))],
    };

    /// <summary>The secret of the earlier definition's webhook with this URL (an update may leave it out).</summary>
    public static string? KeptSecret(MonitorDefinition? previous, string url) =>
        previous?.Webhooks.FirstOrDefault(w => string.Equals(w.Url, url, StringComparison.Ordinal))?.Secret;
}

/// <summary>A webhook with its signing secret (never shown).</summary>
internal sealed record WebhookTarget(string Url, string Secret);
