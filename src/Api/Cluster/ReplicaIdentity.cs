namespace SmtpProbeHub.Api.Cluster;

/// <summary>This hub's replica name when several replicas share one database; null for a single hub (SQLite).</summary>
public sealed record ReplicaIdentity(string? Name);
