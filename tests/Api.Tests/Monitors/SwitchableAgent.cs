using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Tests.Probes.Comparison;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Tests.Monitors;

/// <summary>An agent at a vantage point whose path the test opens and closes: passing, or timing out at connect as behind a drop rule.</summary>
internal sealed class SwitchableAgent(string id, string zone) : IProbeAgent
{
    private volatile bool _passing = true;

    public string Id => id;

    public string Name => id;

    public IReadOnlyDictionary<string, string> Labels { get; } = new Dictionary<string, string> { ["zone"] = zone };

    public int Capacity => 4;

    public bool Passing { get => _passing; set => _passing = value; }

    public Task<ProbeResult> RunAsync(RunAssignment assignment, IProbeObserver progress, CancellationToken cancellationToken) =>
        Task.FromResult(_passing ? Results.Passed() : Results.FailedAtConnect(StepOutcome.Timeout, "connect.timeout"));
}
