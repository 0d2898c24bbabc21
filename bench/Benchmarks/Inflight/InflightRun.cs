using System.Text.Json.Nodes;

namespace SmtpProbeHub.Benchmarks.Inflight;

/// <summary>One run as the probe list shows it once everything has ended.</summary>
internal sealed record InflightRun(
    string ProbeId, string AgentName, string Status, string? Verdict, string? Diagnosis, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt)
{
    public bool Passed => Status == "completed" && Verdict == "passed";

    /// <summary>The runs of the listed probes whose id is in <paramref name="ids"/> (the warm-up's are not).</summary>
    public static List<InflightRun> From(IEnumerable<JsonNode> probes, IReadOnlySet<string> ids) =>
    [
        .. from probe in probes
           let id = (string?)probe["id"]
           where id is not null && ids.Contains(id)
           from run in probe["runs"]?.AsArray().OfType<JsonNode>() ?? []
           select new InflightRun(
               id,
               (string?)run["agent"]?["name"] ?? "?",
               (string?)run["status"] ?? "?",
               (string?)run["verdict"],
               (string?)run["diagnosis"]?["code"],
               Time(probe["createdAt"]) ?? throw new InvalidOperationException($"probe {id} has no createdAt"),
               Time(run["startedAt"]),
               Time(run["endedAt"])),
    ];

    /// <summary>The most intervals [start, end) open at once (an end at the same instant as a start is counted first).</summary>
    public static int MostAtOnce(IEnumerable<(DateTimeOffset Start, DateTimeOffset? End)> intervals)
    {
        var events = intervals.SelectMany(i => i.End is { } end ? new[] { (i.Start, 1), (end, -1) } : [(i.Start, 1)])
            .OrderBy(e => e.Item1).ThenBy(e => e.Item2);
        int open = 0, most = 0;
        foreach (var (_, change) in events)
        {
            most = Math.Max(most, open += change);
        }

        return most;
    }

    private static DateTimeOffset? Time(JsonNode? node) => (string?)node is { } text ? DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : null;
}
