namespace SmtpProbeHub.Api.Storage;

/// <summary>Where the hub keeps its data (section <c>Hub:Storage</c>, plus <c>Hub:DataDirectory</c>).</summary>
public sealed class StorageOptions
{
    public const string Section = "Hub:Storage";

    /// <summary>A full SQLite connection string; when empty, <c>{DataDirectory}/smtpprobehub.db</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Below this much free space on the database's disk the hub refuses new probes (503 storage_unavailable) and is not
    /// ready: a write that runs out of space half-way loses work, and SQLite can still write small things into a disk
    /// too full for a probe, so waiting for the first failure is too late.
    /// </summary>
    public double MinFreeMegabytes { get; set; } = 32;
}
