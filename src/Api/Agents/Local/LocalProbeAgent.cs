using SmtpProbeHub.Probe;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Agents.Local;

/// <summary>The built-in agent: runs the engine in the hub's process.</summary>
internal sealed class LocalProbeAgent(IProbeRunner runner, LocalAgentOptions options) : IProbeAgent
{
    public string Id => options.Id;

    public string Name => options.Name;

    public IReadOnlyDictionary<string, string> Labels => options.Labels;

    public int Capacity => options.Capacity;

    public Task<ProbeResult> RunAsync(RunAssignment assignment, IProbeObserver progress, CancellationToken cancellationToken) =>
        runner.RunAsync(assignment.Plan, assignment.Targets, progress, cancellationToken);
}
