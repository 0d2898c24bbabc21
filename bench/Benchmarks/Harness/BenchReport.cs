using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SmtpProbeHub.Benchmarks.Harness;

/// <summary>Collects a run's figures and goals and writes them as NAME.json and NAME.md (latest, inflight or smoke).</summary>
internal sealed class BenchReport
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private readonly List<Measurement> _measurements = [];
    private readonly List<GoalCheck> _goals = [];
    private readonly List<string> _notes = [];
    private readonly Lock _lock = new();

    public Dictionary<string, string> Environment { get; } = [];

    public void Add(Measurement measurement)
    {
        lock (_lock)
        {
            _measurements.Add(measurement);
        }

        var ratio = measurement.Ratio is { } r ? $"  ({r:0.###}x {measurement.Reference})" : "";
        Console.WriteLine($"  [{measurement.Section}] {measurement.Name}: {Format(measurement.Value)} {measurement.Unit}{ratio}");
    }

    public void Goal(string goal, string target, string measured, bool met)
    {
        lock (_lock)
        {
            _goals.Add(new GoalCheck(goal, target, measured, met));
        }

        Console.WriteLine($"  GOAL {(met ? "met" : "MISSED")}: {goal} — target {target}, measured {measured}");
    }

    public void Note(string note)
    {
        lock (_lock)
        {
            _notes.Add(note);
        }

        Console.WriteLine($"  note: {note}");
    }

    public void Write(string directory, string name, DateTimeOffset started, bool smoke)
    {
        Directory.CreateDirectory(directory);
        var document = new
        {
            startedAt = started,
            finishedAt = DateTimeOffset.UtcNow,
            smoke,
            environment = Environment,
            measurements = _measurements.Select(m => new { m.Section, m.Name, Value = Finite(m.Value), m.Unit, m.Reference, ReferenceValue = Finite(m.ReferenceValue), Ratio = Finite(m.Ratio), m.Note }),
            goals = _goals,
            notes = _notes,
        };
        File.WriteAllText(Path.Combine(directory, name + ".json"), JsonSerializer.Serialize(document, Json) + "\n");
        File.WriteAllText(Path.Combine(directory, name + ".md"), Markdown(started, smoke));
    }

    public string Markdown(DateTimeOffset started, bool smoke)
    {
        var md = new StringBuilder();
        var environment = string.Join(", ", Environment.Select(e => $"{e.Key}: {e.Value}"));
        md.AppendLine(CultureInfo.InvariantCulture, $"Run {started:yyyy-MM-dd HH:mm} UTC{(smoke ? " (smoke sizes: not a measurement)" : "")}; {environment}.");
        md.AppendLine();
        md.AppendLine("| Goal | Target | Measured | Met |");
        md.AppendLine("|---|---|---|---|");
        foreach (var goal in _goals)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {goal.Goal} | {goal.Target} | {goal.Measured} | {(goal.Met ? "yes" : "**no**")} |");
        }

        foreach (var section in _measurements.Select(m => m.Section).Distinct().Order(StringComparer.Ordinal))
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"**{section}**");
            md.AppendLine();
            md.AppendLine("| Measurement | Value | Ratio to reference |");
            md.AppendLine("|---|---:|---|");
            foreach (var m in _measurements.Where(m => m.Section == section))
            {
                var ratio = m.Ratio is { } r ? $"{r:0.##}× {m.Reference}" : m.Reference ?? "";
                var name = m.Note is null ? m.Name : $"{m.Name} ({m.Note})";
                md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Format(m.Value)} {m.Unit} | {ratio} |");
            }
        }

        if (_notes.Count > 0)
        {
            md.AppendLine();
            foreach (var note in _notes)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
            }
        }

        return md.ToString();
    }

    /// <summary>JSON has no NaN: a figure that could not be read is null.</summary>
    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    public static string Format(double value) => double.IsNaN(value) ? "n/a"
        : Math.Abs(value) >= 100 ? value.ToString("#,0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 10 ? value.ToString("0.0", CultureInfo.InvariantCulture)
        : value.ToString("0.00", CultureInfo.InvariantCulture);
}
