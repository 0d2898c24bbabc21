using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Probes.Comparison;

/// <summary>The input of a comparison: one run as stored.</summary>
/// <param name="Ref">The run, its agent and zone.</param>
/// <param name="Result">The engine's result; null when the run ended without one (it is then not compared).</param>
internal sealed record ComparedRun(RunRef Ref, ProbeResult? Result);
