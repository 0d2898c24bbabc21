using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Targets;

namespace SmtpProbeHub.Api.Agents;

/// <summary>One run of a probe given to one agent.</summary>
/// <param name="RunId">The run's id: results are keyed (de-duplicated) by it.</param>
/// <param name="ProbeId">The probe the run belongs to.</param>
/// <param name="Plan">The plan, with secrets (AUTH password) still present: it lives only in memory.</param>
/// <param name="Deadline">When the hub gives up on the run (it becomes <c>timedOut</c>).</param>
/// <param name="Targets">The hub's target policy for this agent: the engine checks every address against it before connecting.</param>
public sealed record RunAssignment(Guid RunId, Guid ProbeId, ProbePlan Plan, DateTimeOffset Deadline, TargetPolicy Targets);
