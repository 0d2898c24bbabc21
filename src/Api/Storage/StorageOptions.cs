namespace SmtpProbeHub.Api.Storage;

/// <summary>Where the hub keeps its data (section <c>Hub:Storage</c>, plus <c>Hub:DataDirectory</c>).</summary>
public sealed class StorageOptions
{
    public const string Section = "Hub:Storage";

    /// <summary>
    /// <c>sqlite</c> (the default: one file, one hub process) or <c>postgres</c> (one server, any number of hub replicas).
    /// </summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>
    /// The provider's connection string. SQLite: a full connection string; when empty, <c>{DataDirectory}/smtpprobehub.db</c>.
    /// PostgreSQL (required): an Npgsql connection string such as <c>Host=db;Database=smtpprobehub;Username=hub;Password=…</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Below this much free space on the database's disk the hub refuses new probes (503 storage_unavailable) and is not
    /// ready: a write that runs out of space half-way loses work, and SQLite can still write small things into a disk
    /// too full for a probe, so waiting for the first failure is too late.
    /// </summary>
    public double MinFreeMegabytes { get; set; } = 32;

    /// <summary>
    /// Most bytes (UTF-8) of a probe's message body the hub stores; the agents still send the whole body. A longer
    /// body is stored cut, marked truncated, with the whole body's size and SHA-256. Also the cap on the message body
    /// lines the built-in agent records in its transcripts. Default 64 KB.
    /// </summary>
    public int MaxStoredBodyBytes { get; set; } = 64 * 1024;
}
