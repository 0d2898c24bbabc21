namespace SmtpProbeHub.Probe.Model;

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
