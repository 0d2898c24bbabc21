namespace SmtpProbeHub.Probe.Model;

/// <summary>Receives a run's progress as it happens (for live SSE and for streaming to the hub).</summary>
public interface IProbeObserver
{
    /// <summary>A transcript line was written.</summary>
    void OnTranscript(TranscriptEntry entry) { }

    /// <summary>A step ended.</summary>
    void OnStep(ProbeStep step) { }
}

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

/// <summary>How one step ended.</summary>
public enum StepOutcome
{
    /// <summary>The expected reply came back.</summary>
    Ok,
    /// <summary>The server answered 4xx/5xx: a measurement, never retried.</summary>
    Rejected,
    /// <summary>No (complete) answer within the step's timeout.</summary>
    Timeout,
    /// <summary>Refused, reset, TLS failure, protocol violation, or input refused before sending.</summary>
    Error,
    /// <summary>Not run (an earlier step failed, or quitAfter stopped the sequence).</summary>
    Skipped,
}

/// <summary>One line of the transcript, as a person would have seen it in telnet.</summary>
/// <param name="AtMs">Milliseconds since the probe started.</param>
/// <param name="Direction">Who the line came from.</param>
/// <param name="Text">The line, without CRLF; AUTH secrets are already redacted.</param>
public sealed record TranscriptEntry(double AtMs, TranscriptDirection Direction, string Text);

/// <summary>Who a transcript line came from.</summary>
public enum TranscriptDirection
{
    /// <summary>A line the probe sent.</summary>
    Sent,
    /// <summary>A line the server sent.</summary>
    Received,
    /// <summary>A note from the probe (DNS records, connection attempts, skipped parameters).</summary>
    Info,
    /// <summary>TLS handshake details.</summary>
    Tls,
}
