namespace SmtpProbeHub.Api.Storage;

/// <summary>Where the hub keeps its data (section <c>Hub:Storage</c>, plus <c>Hub:DataDirectory</c>).</summary>
public sealed class StorageOptions
{
    public const string Section = "Hub:Storage";

    /// <summary>A full SQLite connection string; when empty, <c>{DataDirectory}/smtpprobehub.db</c>.</summary>
    public string? ConnectionString { get; set; }
}
