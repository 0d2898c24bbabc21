namespace SmtpProbeHub.Api.Storage.Retention;

/// <summary>How long the hub keeps probes (section <c>Hub:Retention</c>). A probe still running is never deleted.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Hub:Retention";

    /// <summary>Probes created more than this many days ago are deleted with their runs. 0: no age limit.</summary>
    public double MaxAgeDays { get; set; } = 30;

    /// <summary>
    /// At most this many probes are kept, the newest; older ones are deleted with their runs. 0: no count limit.
    /// A safety net under the age limit: 100,000 is some 69 days of a probe a minute.
    /// </summary>
    public int MaxProbes { get; set; } = 100_000;

    /// <summary>Minutes between sweeps; the first runs when the hub starts.</summary>
    public double SweepIntervalMinutes { get; set; } = 60;

    /// <summary>Probes deleted per write: each batch is one write in the storage queue, so probes never wait long behind a sweep.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>True when there is any limit to enforce.</summary>
    public bool Enabled => MaxAgeDays > 0 || MaxProbes > 0;
}
