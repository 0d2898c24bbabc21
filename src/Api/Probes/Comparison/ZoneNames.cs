namespace SmtpProbeHub.Api.Probes.Comparison;

/// <summary>The agent label that names a vantage point's zone, and the zone of agents without it.</summary>
internal static class ZoneNames
{
    public const string Label = "zone";

    public const string Unlabeled = "unlabeled";

    public static string Of(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(Label, out var zone) && !string.IsNullOrWhiteSpace(zone) ? zone : Unlabeled;
}
