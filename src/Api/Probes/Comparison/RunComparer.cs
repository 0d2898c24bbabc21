using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Probes.Comparison;

/// <summary>
/// Compares what the vantage points of one probe saw (a pure function of the runs). Every run with a result is
/// compared with a baseline run (a passing inside run when there is one, else any passing run, else the first),
/// the rules in <see cref="ComparisonRules"/> name what differs, and findings with the same code are merged.
/// </summary>
internal static class RunComparer
{
    public const string InsideZone = "inside";

    /// <summary>The comparison, or null when the probe has fewer than two runs.</summary>
    public static ProbeComparison? Compare(IReadOnlyList<ComparedRun> runs)
    {
        if (runs.Count < 2)
        {
            return null;
        }

        var compared = runs.Where(r => r.Result is not null).ToList();
        var notCompared = runs.Where(r => r.Result is null).Select(r => r.Ref).ToList();
        var outcomes = GroupByOutcome(compared);
        var zones = GroupByZone(compared);
        if (compared.Count < 2)
        {
            return new ProbeComparison
            {
                Agree = false,
                Summary = $"Only {compared.Count} of {runs.Count} runs ended with a result: nothing to compare yet.",
                Outcomes = outcomes, Zones = zones, Findings = [], NotCompared = notCompared,
            };
        }

        var findings = Findings(compared);
        var agree = findings.Count == 0 && outcomes.Count == 1;
        return new ProbeComparison
        {
            Agree = agree,
            Summary = findings.Count > 0
                ? findings[0].Summary
                : $"All {compared.Count} vantage points agree: {outcomes[0].Label}.",
            Outcomes = outcomes,
            Zones = zones,
            Findings = findings,
            NotCompared = notCompared,
        };
    }

    private static List<ComparisonFinding> Findings(List<ComparedRun> compared)
    {
        if (ComparisonRules.SameFailureEverywhere(compared) is { } shared)
        {
            return [shared];
        }

        var baseline = Baseline(compared);
        var raw = new List<(ComparisonFinding Finding, ComparedRun Run)>();
        foreach (var run in compared.Where(r => r != baseline))
        {
            foreach (var finding in ComparisonRules.Differences(baseline, run))
            {
                raw.Add((finding, run));
            }
        }

        // One finding per code: the first run's wording, every run that shows it.
        return [.. raw.GroupBy(f => f.Finding.Code).Select(g => g.First().Finding with
        {
            Runs = [.. g.Select(f => f.Run.Ref)],
            Zones = [.. g.Select(f => f.Run.Ref.Zone).Distinct()],
        })];
    }

    private static ComparedRun Baseline(List<ComparedRun> compared)
    {
        static bool Inside(ComparedRun r) => string.Equals(r.Ref.Zone, InsideZone, StringComparison.OrdinalIgnoreCase);
        static bool Passed(ComparedRun r) => r.Result!.Verdict == Verdict.Passed;
        return compared.FirstOrDefault(r => Inside(r) && Passed(r))
            ?? compared.FirstOrDefault(Passed)
            ?? compared.FirstOrDefault(Inside)
            ?? compared[0];
    }

    private static List<OutcomeGroup> GroupByOutcome(List<ComparedRun> compared) =>
    [
        .. compared.GroupBy(r => RunFacts.OutcomeKey(r.Result!)).Select(g =>
        {
            var first = g.First().Result!;
            return new OutcomeGroup(first.Verdict, first.FailedStep, first.Diagnosis?.Code, g.Key,
                [.. g.Select(r => r.Ref.Zone).Distinct()], [.. g.Select(r => r.Ref)]);
        }),
    ];

    private static List<ZoneGroup> GroupByZone(List<ComparedRun> compared) =>
    [
        .. compared.GroupBy(r => r.Ref.Zone).Select(g =>
        {
            var labels = g.Select(r => RunFacts.OutcomeKey(r.Result!)).Distinct().ToList();
            return new ZoneGroup(g.Key, labels, labels.Count == 1, [.. g.Select(r => r.Ref)]);
        }),
    ];
}
