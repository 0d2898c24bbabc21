using System.Collections.Concurrent;

namespace SmtpProbeHub.Api.Agents;

/// <summary>
/// Every agent the hub knows: the built-in one and remote ones. An agent stays listed (offline) after
/// it disconnects so GET /api/v1/agents shows when it was last seen. Thread-safe.
/// </summary>
public sealed class AgentRegistry(TimeProvider time, ILogger<AgentRegistry> logger)
{
    private readonly ConcurrentDictionary<string, AgentRegistration> _agents = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>
    /// Registers a connected agent (its hello). A second connection with the same id replaces the first,
    /// whose runs end as <c>agentLost</c> (the old stream is gone or stale). <paramref name="runsFromBefore"/>:
    /// runs the agent still executes from an earlier connection; they hold capacity before anyone can dispatch.
    /// </summary>
    /// <paramref name="connectedAt"/>: when the connection was made, if not now (an agent on another replica).
    public AgentRegistration Register(IProbeAgent agent, AgentConnection connection, int runsFromBefore = 0, DateTimeOffset? connectedAt = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var registration = new AgentRegistration(this, agent, connection, connectedAt ?? time.GetUtcNow());
        registration.HoldForRunsFromBefore(runsFromBefore);
        AgentRegistration? previous;
        lock (_gate)
        {
            _agents.TryGetValue(agent.Id, out previous);
            _agents[agent.Id] = registration;
        }

        previous?.GoOffline("replaced by a newer connection with the same agent id and credential");
        if (connection.Replica is null)
        {
            logger.LogInformation("Agent {AgentId} ({AgentName}) online from {RemoteAddress}, version {Version}, capacity {Capacity}",
                agent.Id, agent.Name, connection.RemoteAddress ?? "in-process", connection.Version, agent.Capacity);
        }

        return registration;
    }

    /// <summary>Takes an agent's connection offline (stream closed, heartbeat timeout, shutdown).</summary>
    public void MarkOffline(AgentRegistration registration, string? reason = null)
    {
        if (!registration.IsOnline)
        {
            return;
        }

        registration.GoOffline(reason);
        logger.LogInformation("Agent {AgentId} ({AgentName}) offline", registration.Agent.Id, registration.Agent.Name);
    }

    /// <summary>Records that an agent was heard from (heartbeat or any message).</summary>
    public void Touch(string agentId)
    {
        if (_agents.TryGetValue(agentId, out var registration))
        {
            registration.LastSeen = time.GetUtcNow();
        }
    }

    /// <summary>The current registration of an agent (online or not), or null.</summary>
    public AgentRegistration? Find(string agentId) => _agents.GetValueOrDefault(agentId);

    /// <summary>Every agent's latest registration, online first, then by name.</summary>
    public IReadOnlyList<AgentRegistration> All() =>
        [.. _agents.Values.OrderByDescending(a => a.IsOnline).ThenBy(a => a.Agent.Name, StringComparer.Ordinal).ThenBy(a => a.Agent.Id, StringComparer.Ordinal)];

    /// <summary>The agents online now.</summary>
    public IReadOnlyList<AgentRegistration> Online() => [.. All().Where(a => a.IsOnline)];
}
