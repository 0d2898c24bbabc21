using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using SmtpProbeHub.Contracts.V1;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Serialization;

namespace SmtpProbeHub.Contracts.Mapping;

/// <summary>
/// The one mapping between the wire messages of <c>agent_hub.proto</c> and the probe model.
/// The model travels as ProbeJson (see the proto's header for why); everything else is typed.
/// </summary>
public static class ProbeWire
{
    /// <summary>
    /// An assignment for <paramref name="plan"/>; the AUTH password goes in its own field, never in the plan JSON.
    /// <paramref name="targets"/>: the hub's target policy for the agent (its first layer travels).
    /// </summary>
    public static Assignment ToAssignment(string runId, ProbePlan plan, DateTimeOffset deadline, Probe.Targets.TargetPolicy? targets = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(plan);
        var assignment = new Assignment
        {
            RunId = runId,
            PlanJson = ToBytes(plan.WithoutSecrets()),
            AuthPassword = plan.Auth?.Password ?? "",
            Deadline = Timestamp.FromDateTimeOffset(deadline),
        };
        if (targets is not null)
        {
            assignment.Targets = new TargetRules();
            assignment.Targets.AllowedPorts.Add(targets.Ports);
            assignment.Targets.AllowedNetworks.Add(targets.AllowedNetworks);
            assignment.Targets.DeniedNetworks.Add(targets.DeniedNetworks);
        }

        return assignment;
    }

    /// <summary>The hub's target policy of an assignment (refusals name it "hub policy"), or null when the hub sent none.</summary>
    /// <exception cref="WireFormatException">The policy does not parse.</exception>
    public static Probe.Targets.TargetPolicy? TargetsOf(Assignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        if (assignment.Targets is not { } targets)
        {
            return null;
        }

        try
        {
            // The hub's own addresses are not this machine's: the agent's own policy denies the agent's.
            return Probe.Targets.TargetPolicy.Create("hub policy", targets.AllowedPorts, targets.AllowedNetworks, targets.DeniedNetworks, denyOwnAddresses: false);
        }
        catch (FormatException ex)
        {
            throw new WireFormatException($"assignment.targets: {ex.Message}");
        }
    }

    /// <summary>The plan of an assignment, with its AUTH password put back.</summary>
    /// <exception cref="WireFormatException">The plan is missing or unreadable.</exception>
    public static ProbePlan ToPlan(Assignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var plan = FromBytes<ProbePlan>(assignment.PlanJson, "assignment.plan_json");
        return plan.Auth is null ? plan : plan with { Auth = plan.Auth with { Password = assignment.AuthPassword } };
    }

    /// <summary>The deadline of an assignment.</summary>
    public static DateTimeOffset DeadlineOf(Assignment assignment) =>
        assignment.Deadline is null
            ? throw new WireFormatException("assignment.deadline is missing")
            : assignment.Deadline.ToDateTimeOffset();

    /// <summary>A step that ended.</summary>
    public static StepProgress ToProgress(string runId, ProbeStep step) =>
        new() { RunId = runId, StepJson = ToBytes(step) };

    /// <summary>A transcript line as it was written.</summary>
    public static StepProgress ToProgress(string runId, TranscriptEntry entry) =>
        new() { RunId = runId, TranscriptJson = ToBytes(entry) };

    /// <summary>The step carried by a progress message, or null when it carries a transcript line.</summary>
    public static ProbeStep? StepOf(StepProgress progress) =>
        progress.KindCase == StepProgress.KindOneofCase.StepJson
            ? FromBytes<ProbeStep>(progress.StepJson, "progress.step_json")
            : null;

    /// <summary>The transcript line carried by a progress message, or null when it carries a step.</summary>
    public static TranscriptEntry? TranscriptOf(StepProgress progress) =>
        progress.KindCase == StepProgress.KindOneofCase.TranscriptJson
            ? FromBytes<TranscriptEntry>(progress.TranscriptJson, "progress.transcript_json")
            : null;

    /// <summary>A completed run's result.</summary>
    public static RunResult ToCompleted(string runId, ProbeResult result, DateTimeOffset finishedAt) =>
        new()
        {
            RunId = runId,
            Outcome = RunOutcome.Completed,
            ResultJson = ToBytes(result),
            FinishedAt = Timestamp.FromDateTimeOffset(finishedAt),
        };

    /// <summary>A run that ended without a result (canceled, timed out, failed).</summary>
    public static RunResult ToEnded(string runId, RunOutcome outcome, string reason, DateTimeOffset finishedAt)
    {
        if (outcome is RunOutcome.Completed or RunOutcome.Unspecified)
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "a completed run carries its result: use ToCompleted");
        }

        return new RunResult { RunId = runId, Outcome = outcome, Reason = reason, FinishedAt = Timestamp.FromDateTimeOffset(finishedAt) };
    }

    /// <summary>The probe result of a completed run, or null for a run that ended without one.</summary>
    public static ProbeResult? ResultOf(RunResult message) =>
        message.Outcome == RunOutcome.Completed
            ? FromBytes<ProbeResult>(message.ResultJson, "result.result_json")
            : null;

    private static ByteString ToBytes<T>(T value) =>
        ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(value, ProbeJson.TypeInfo<T>()));

    private static T FromBytes<T>(ByteString bytes, string field)
        where T : class
    {
        if (bytes.IsEmpty)
        {
            throw new WireFormatException($"{field} is empty");
        }

        try
        {
            return JsonSerializer.Deserialize(bytes.Span, ProbeJson.TypeInfo<T>())
                ?? throw new WireFormatException($"{field} is null");
        }
        catch (JsonException ex)
        {
            // The JSON text is not quoted: a plan may carry addresses a log should not repeat.
            throw new WireFormatException($"{field} is not a valid {typeof(T).Name} (at {ex.Path ?? "$"})", ex);
        }
    }
}

/// <summary>A wire message that cannot be read (missing field, unreadable model JSON).</summary>
public sealed class WireFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WireFormatException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
