using SmtpProbeHub.Api.Dispatch;

namespace SmtpProbeHub.Api.Storage;

/// <summary>How and when a probe ended, written with its last run's end.</summary>
public sealed record ProbeEnd(ProbeStatus Status, DateTimeOffset At);
