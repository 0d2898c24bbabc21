using SmtpProbeHub.Probe;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Agent.ProbeCommand;

/// <summary>The plan and engine settings read from the command line, or why they could not be read.</summary>
/// <param name="Plan">The plan, null when <paramref name="Errors"/> is not empty.</param>
/// <param name="Engine">Engine settings (DNS servers).</param>
/// <param name="Errors">Problems with the options, in plain words (never echoing a secret).</param>
internal sealed record PlanMapping(ProbePlan? Plan, ProbeEngineOptions Engine, IReadOnlyList<string> Errors);
