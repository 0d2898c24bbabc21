namespace SmtpProbeHub.Api.Storage;

/// <summary>Where the hub keeps its data (section <c>Hub:Storage</c>, plus <c>Hub:DataDirectory</c>).</summary>
public sealed class StorageOptions
{
    public const string Section = "Hub:Storage";

    /// <summary>A full SQLite connection string; when empty, <c>{DataDirectory}/smtpprobehub.db</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Most bytes (UTF-8) of a probe's message body the hub stores; the agents still send the whole body. A longer
    /// body is stored cut, marked truncated, with the whole body's size and SHA-256. Also the cap on the message body
    /// lines the built-in agent records in its transcripts. Default 64 KB.
    /// </summary>
    public int MaxStoredBodyBytes { get; set; } = 64 * 1024;
}
