namespace SmtpProbeHub.Api.Agents;

/// <summary>An agent as the hub sees it.</summary>
public sealed record AgentStatusView
{
    /// <summary>Stable agent id.</summary>
    public required string Id { get; init; }

    /// <summary>Agent name.</summary>
    public required string Name { get; init; }

    /// <summary>Labels, e.g. zone=outside.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>online | offline.</summary>
    public required string Status { get; init; }

    /// <summary>True for the hub's built-in agent.</summary>
    public bool Local { get; init; }

    /// <summary>Agent software version.</summary>
    public string? Version { get; init; }

    /// <summary>The address its connection came from (null for the built-in agent).</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>The configured name of the token it connected with (never the token); null for the built-in agent.</summary>
    public string? Credential { get; init; }

    /// <summary>Runs it accepts at once.</summary>
    public int Capacity { get; init; }

    /// <summary>Runs it is running now.</summary>
    public int InFlight { get; init; }

    /// <summary>When its current (or last) connection was made.</summary>
    public DateTimeOffset ConnectedAt { get; init; }

    /// <summary>When it was last heard from.</summary>
    public DateTimeOffset LastSeen { get; init; }

    /// <summary>
    /// The hub replica holding its stream, when several replicas share one PostgreSQL (Hub:Cluster:ReplicaId); null for a
    /// single hub. Any replica runs probes on any agent: runs for an agent on another replica are relayed to it.
    /// </summary>
    public string? Replica { get; init; }
}

/// <summary>The answer to revoking an agent.</summary>
public sealed record AgentRevocationView
{
    /// <summary>The agent id, refused from now on.</summary>
    public required string Id { get; init; }

    /// <summary>When it was revoked (the first time, if it was revoked before).</summary>
    public required DateTimeOffset RevokedAt { get; init; }

    /// <summary>True when it was online and its stream was ended.</summary>
    public bool Disconnected { get; init; }
}
