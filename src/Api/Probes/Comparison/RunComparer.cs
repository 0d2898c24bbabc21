using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Probes.Comparison;

/// <summary>
/// Compares what the vantage points of one probe saw (a pure function of the runs). Every run with a result is
/// compared with a baseline run (a passing inside run when there is one, else any passing run, else the first),
/// the rules in <see cref="ComparisonRules"/> name what differs, and findings with the same code are merged.
/// <see cref="ProbeComparison.Agree"/> is true when every compared run ended the same way and reached the same server:
/// a failure they all share is agreement on a failure, and split-horizon DNS with the same server behind it is a note.
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
                Outcomes = outcomes,
                Zones = zones,
                Findings = [],
                NotCompared = notCompared,
            };
        }

        var findings = Findings(compared);
        return new ProbeComparison
        {
            // The same outcome everywhere and the same server (no difference; a shared failure or a note is no disagreement).
            Agree = outcomes.Count == 1 && findings.All(f => f.Kind != FindingKind.Difference),
            Summary = Summary(compared.Count, outcomes[0].Label, findings),
            Outcomes = outcomes,
            Zones = zones,
            Findings = findings,
            NotCompared = notCompared,
        };
    }

    /// <summary>The first difference; else the shared failure, else that they agree; notes appended.</summary>
    private static string Summary(int count, string outcome, List<ComparisonFinding> findings)
    {
        if (findings.FirstOrDefault(f => f.Kind == FindingKind.Difference) is { } difference)
        {
            return difference.Summary;
        }

        var summary = findings.FirstOrDefault(f => f.Kind == FindingKind.SharedFailure)?.Summary ?? $"All {count} vantage points agree: {outcome}";
        var notes = findings.Where(f => f.Kind == FindingKind.Note).Select(f => $" Note: {f.Summary}.");
        return $"{summary.TrimEnd('.')}.{string.Concat(notes)}";
    }

    /// <summary>Differences first, then a shared failure, then notes; one finding per code.</summary>
    private static List<ComparisonFinding> Findings(List<ComparedRun> compared)
    {
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
        List<ComparisonFinding> merged = [.. raw.GroupBy(f => f.Finding.Code).Select(g => g.First().Finding with
        {
            Runs = [.. g.Select(f => f.Run.Ref)],
            Zones = [.. g.Select(f => f.Run.Ref.Zone).Distinct()],
        })];
        var sameServer = !merged.Any(f => f.Kind == FindingKind.Difference && f.Code is FindingCodes.DifferentMx or FindingCodes.MissingMx);
        var shared = ComparisonRules.SameFailureEverywhere(compared, sameServer);
        return
        [
            .. merged.Where(f => f.Kind == FindingKind.Difference),
            .. shared is null ? [] : new[] { shared },
            .. merged.Where(f => f.Kind == FindingKind.Note),
        ];
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

/// <summary>The input of a comparison: one run as stored.</summary>
/// <param name="Ref">The run, its agent and zone.</param>
/// <param name="Result">The engine's result; null when the run ended without one (it is then not compared).</param>
internal sealed record ComparedRun(RunRef Ref, ProbeResult? Result);

/// <summary>The agent label that names a vantage point's zone, and the zone of agents without it.</summary>
internal static class ZoneNames
{
    public const string Label = "zone";

    public const string Unlabeled = "unlabeled";

    public static string Of(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(Label, out var zone) && !string.IsNullOrWhiteSpace(zone) ? zone : Unlabeled;
}
