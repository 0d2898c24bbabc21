namespace SmtpProbeHub.Api.Storage.Database;

/// <summary>Table <c>runs</c>: steps and transcript are JSON columns (inside ResultJson once completed).</summary>
internal sealed class RunRow
{
    public string Id { get; set; } = "";

    public string ProbeId { get; set; } = "";

    public int Ordinal { get; set; }

    public string AgentId { get; set; } = "";

    public string AgentName { get; set; } = "";

    public string AgentLabelsJson { get; set; } = "{}";

    public string Status { get; set; } = "";

    public string? Verdict { get; set; }

    public long? StartedAtMs { get; set; }

    public long? EndedAtMs { get; set; }

    public string? ResultJson { get; set; }

    public string? DiagnosisJson { get; set; }

    public string? StepsJson { get; set; }

    public string? TranscriptJson { get; set; }
}
