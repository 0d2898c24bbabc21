using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Probes;

/// <summary>One run: the probe as one agent saw it.</summary>
/// <remarks>
/// Flat, as the contract wants it: the run's own fields beside what the probe observed, which the engine declares once
/// (ProbeObservations) and the view copies as a whole. The run's own fields come first in the JSON.
/// </remarks>
public sealed record RunView : ProbeObservations
{
    /// <summary>An empty run: nothing observed yet.</summary>
    public RunView()
    {
    }

    /// <summary>A run carrying everything the probe observed.</summary>
    [SetsRequiredMembers]
    public RunView(ProbeObservations observed, Guid id, AgentRef agent, RunStatus status)
        : base(observed)
    {
        Id = id;
        Agent = agent;
        Status = status;
    }

    /// <summary>Run id.</summary>
    [JsonPropertyOrder(-5)]
    public required Guid Id { get; init; }

    /// <summary>The agent that ran it.</summary>
    [JsonPropertyOrder(-4)]
    public required AgentRef Agent { get; init; }

    /// <summary>queued | running | completed | agentLost | canceled | timedOut | queueTimedOut.</summary>
    [JsonPropertyOrder(-3)]
    public required RunStatus Status { get; init; }

    /// <summary>passed | failed; null until the run is completed.</summary>
    [JsonPropertyOrder(-2)]
    public Verdict? Verdict { get; init; }

    /// <summary>Total time of the probe on the agent, resolve to QUIT.</summary>
    [JsonPropertyOrder(-1)]
    public double? DurationMs { get; init; }

    /// <summary>When the agent started the run.</summary>
    [JsonPropertyOrder(1)]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the run ended.</summary>
    [JsonPropertyOrder(2)]
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>With dsn.confirm: where the message is, from the DSNs that came back to the hub; null otherwise (and in probe lists).</summary>
    [JsonPropertyOrder(3)]
    public Returns.Delivery.DeliveryView? Delivery { get; init; }
}
