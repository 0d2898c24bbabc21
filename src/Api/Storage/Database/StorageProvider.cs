namespace SmtpProbeHub.Api.Storage.Database;

/// <summary>Which database the hub keeps its data in (<c>Hub:Storage:Provider</c>).</summary>
public enum StorageProvider
{
    /// <summary>One file next to the hub: the embedded default, for one hub process.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: what several hub replicas share.</summary>
    Postgres,
}
