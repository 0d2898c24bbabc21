using SmtpProbeHub.Api.Probes;
using SmtpProbeHub.Api.Probes.Comparison;

namespace SmtpProbeHub.Api.Returns.Delivery;

/// <summary>
/// The delivery stage in the comparison: when confirming runs from several vantage points got different final
/// delivery states (delivered from inside, failed or no report from outside), that is a difference too, though the
/// dialogs themselves agreed. Pending runs are not judged yet.
/// </summary>
internal static class DeliveryComparison
{
    public const string Code = "delivery.differs";

    public static ProbeComparison? With(ProbeComparison? comparison, IReadOnlyList<RunView> runs)
    {
        var settled = runs.Where(r => r.Delivery is { State: not DeliveryState.Pending }).ToList();
        if (comparison is null || settled.Select(r => r.Delivery!.State).Distinct().Count() < 2)
        {
            return comparison;
        }

        var described = string.Join(", ", settled.Select(r => $"{r.Agent.Name}: {r.Delivery!.State.ToString().ToLowerInvariant()}"));
        var finding = new ComparisonFinding(
            Code,
            FindingKind.Difference,
            $"The message was accepted everywhere but its delivery differs ({described})",
            "the accepting server delivered one copy and not another: a rule by sender, client address or content after acceptance, or a queue problem behind the MX",
            "read the failed or delayed run's diagnosticCode and remoteMta, and the accepting server's log for its queue id",
            [.. settled.Select(r => ZoneNames.Of(r.Agent.Labels)).Distinct()],
            [.. settled.Select(r => new RunRef(r.Id, r.Agent.Name, ZoneNames.Of(r.Agent.Labels)))]);
        return comparison with
        {
            Agree = false,
            Summary = comparison.Agree ? finding.Summary + "." : comparison.Summary,
            Findings = [.. comparison.Findings, finding],
        };
    }
}
