using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Resolution;

/// <summary>The hosts to try, or why there are none.</summary>
internal sealed record ResolveOutcome(IReadOnlyList<ResolvedHost> Hosts, ResolutionReport? Report, string? FailureCode, string? Detail)
{
    public static ResolveOutcome Found(IReadOnlyList<ResolvedHost> hosts, ResolutionReport? report) => new(hosts, report, null, null);

    public static ResolveOutcome Failed(string code, string detail, ResolutionReport? report = null) => new([], report, code, detail);
}
