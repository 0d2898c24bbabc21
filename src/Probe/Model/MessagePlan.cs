namespace SmtpProbeHub.Probe.Model;

/// <summary>The test message sent after DATA.</summary>
public sealed record MessagePlan
{
    /// <summary>The Subject header.</summary>
    public string Subject { get; init; } = ProbeDefaults.Subject;

    /// <summary>The plain-text body.</summary>
    public string Body { get; init; } = ProbeDefaults.Body;

    /// <summary>Extra headers (name → value).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}
