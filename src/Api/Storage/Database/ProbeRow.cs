namespace SmtpProbeHub.Api.Storage.Database;

/// <summary>Table <c>probes</c>. Keys are upper-case text (<see cref="HotPathSql.Key"/>); times are Unix milliseconds, alike on both providers.</summary>
internal sealed class ProbeRow
{
    public string Id { get; set; } = "";

    public long CreatedAtMs { get; set; }

    public string Status { get; set; } = "";

    /// <summary>The plan without secrets, as contract JSON.</summary>
    public string PlanJson { get; set; } = "";

    /// <summary>The server asked for, lower case (for filtering).</summary>
    public string? Server { get; set; }

    /// <summary>The first recipient's domain, lower case (for filtering).</summary>
    public string? Domain { get; set; }

    public long? EndedAtMs { get; set; }

    /// <summary>Size of the whole message body in UTF-8 bytes (null in rows older than schema 3: their body is whole).</summary>
    public long? BodyBytes { get; set; }

    /// <summary>SHA-256 of the whole message body, lower-case hex (null in rows older than schema 3).</summary>
    public string? BodySha256 { get; set; }

    /// <summary>True when <see cref="PlanJson"/> holds only the start of the body.</summary>
    public bool BodyTruncated { get; set; }

    /// <summary>The monitor whose schedule ran this probe, or null (schema 6).</summary>
    public string? MonitorId { get; set; }

    /// <summary>The hub replica that accepted the probe and runs it (schema 8); null on SQLite before it.</summary>
    public string? Replica { get; set; }
}
