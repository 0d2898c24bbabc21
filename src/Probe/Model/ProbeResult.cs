namespace SmtpProbeHub.Probe.Model;

/// <summary>What one probe saw: built once by the engine, stored and returned as is.</summary>
public sealed record ProbeResult
{
    /// <summary>Passed when every step that ran ended as expected.</summary>
    public required Verdict Verdict { get; init; }

    /// <summary>The first step that failed, or null.</summary>
    public StepName? FailedStep { get; init; }

    /// <summary>Why it failed, in plain words; null when passed.</summary>
    public Diagnosis? Diagnosis { get; init; }

    /// <summary>The server talked to (or last tried).</summary>
    public ServerEndpoint? Server { get; init; }

    /// <summary>Total time, resolve to QUIT.</summary>
    public double DurationMs { get; init; }

    /// <summary>The steps in order.</summary>
    public IReadOnlyList<ProbeStep> Steps { get; init; } = [];

    /// <summary>Every line sent and received, and notes, in order.</summary>
    public IReadOnlyList<TranscriptEntry> Transcript { get; init; } = [];

    /// <summary>What DNS answered, when a lookup was made.</summary>
    public ResolutionReport? Resolution { get; init; }

    /// <summary>The EHLO capabilities (after STARTTLS when TLS was used).</summary>
    public EhloCapabilities? Capabilities { get; init; }

    /// <summary>TLS details when a handshake was made.</summary>
    public TlsReport? Tls { get; init; }

    /// <summary>The queue id from the 250 reply to the final ".", when one was recognised.</summary>
    public string? QueueId { get; init; }
}
