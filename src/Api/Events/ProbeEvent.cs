using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Events;

/// <summary>One Server-Sent Event of a probe: <c>run</c>, <c>step</c>, <c>transcript</c> or the final <c>end</c>.</summary>
/// <param name="Sequence">Position in the probe's event log (the SSE <c>id</c>).</param>
/// <param name="Type">The SSE event name.</param>
/// <param name="Data">The payload, serialised with the contract's JSON options.</param>
public sealed record ProbeEvent(long Sequence, string Type, object Data)
{
    public const string Run = "run";
    public const string Step = "step";
    public const string Transcript = "transcript";
    public const string End = "end";

    /// <summary>The data of a <c>step</c> event, live and replayed from storage alike.</summary>
    internal static object StepData(Guid runId, string agentId, ProbeStep step) => new { runId, agentId, step };

    /// <summary>The data of a <c>transcript</c> event, live and replayed from storage alike.</summary>
    internal static object TranscriptData(Guid runId, string agentId, TranscriptEntry entry) => new { runId, agentId, entry };
}
