namespace SmtpProbeHub.Probe.Model;

/// <summary>One step of the sequence and how it ended.</summary>
/// <param name="Name">The step.</param>
/// <param name="Command">The command line sent (secrets redacted), or null for steps that send none.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Reply">The server's reply, when one came.</param>
/// <param name="StartedAt">When the step started.</param>
/// <param name="ElapsedMs">How long it took.</param>
/// <param name="Detail">A note in plain words, e.g. "server does not advertise DSN: NOTIFY not sent".</param>
public sealed record ProbeStep(
    StepName Name,
    string? Command,
    StepOutcome Outcome,
    SmtpReply? Reply,
    DateTimeOffset StartedAt,
    double ElapsedMs,
    string? Detail = null);
