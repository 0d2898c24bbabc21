using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Probes;

/// <summary>One run: the probe as one agent saw it.</summary>
public sealed record RunView
{
    /// <summary>Run id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The agent that ran it.</summary>
    public required AgentRef Agent { get; init; }

    /// <summary>queued | running | completed | agentLost | canceled | timedOut.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>passed | failed; null until the run is completed.</summary>
    public Verdict? Verdict { get; init; }

    /// <summary>The first step that failed, or null.</summary>
    public StepName? FailedStep { get; init; }

    /// <summary>Why it failed (or why the run ended without a result), in plain words.</summary>
    public Diagnosis? Diagnosis { get; init; }

    /// <summary>The server talked to (or last tried).</summary>
    public ServerEndpoint? Server { get; init; }

    /// <summary>Total time of the probe on the agent, resolve to QUIT.</summary>
    public double? DurationMs { get; init; }

    /// <summary>The steps in order (those seen so far when the run did not complete).</summary>
    public IReadOnlyList<ProbeStep> Steps { get; init; } = [];

    /// <summary>Every line sent and received, and notes, in order.</summary>
    public IReadOnlyList<TranscriptEntry> Transcript { get; init; } = [];

    /// <summary>What DNS answered, when a lookup was made.</summary>
    public ResolutionReport? Resolution { get; init; }

    /// <summary>The EHLO capabilities.</summary>
    public EhloCapabilities? Capabilities { get; init; }

    /// <summary>TLS details when a handshake was made.</summary>
    public TlsReport? Tls { get; init; }

    /// <summary>The queue id from the reply to the final ".", when recognised.</summary>
    public string? QueueId { get; init; }

    /// <summary>When the agent started the run.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the run ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }
}
