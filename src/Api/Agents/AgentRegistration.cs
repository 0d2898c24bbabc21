namespace SmtpProbeHub.Api.Agents;

/// <summary>
/// One connection of one agent to the registry. Disposing it (or <see cref="AgentRegistry.MarkOffline"/>)
/// takes the agent offline: its queued and running runs see <see cref="Lost"/> and end as <c>agentLost</c>.
/// A reconnect registers again and gets a new registration.
/// </summary>
public sealed class AgentRegistration : IDisposable
{
    private readonly CancellationTokenSource _lost = new();
    private readonly AgentRegistry _registry;
    private readonly Lock _heldElsewhereGate = new();
    private int _inFlight;
    private int _heldElsewhere;

    internal AgentRegistration(AgentRegistry registry, IProbeAgent agent, AgentConnection connection, DateTimeOffset now)
    {
        _registry = registry;
        Agent = agent;
        Connection = connection;
        ConnectedAt = now;
        LastSeen = now;
        Slots = new SemaphoreSlim(Math.Max(1, agent.Capacity));
    }

    /// <summary>The agent.</summary>
    public IProbeAgent Agent { get; }

    /// <summary>Version and remote address.</summary>
    public AgentConnection Connection { get; }

    /// <summary>When this connection was registered.</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>Last hello, heartbeat or message (see <see cref="AgentRegistry.Touch"/>).</summary>
    public DateTimeOffset LastSeen { get; internal set; }

    /// <summary>Cancelled when the agent goes offline.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>True until the agent goes offline.</summary>
    public bool IsOnline => !_lost.IsCancellationRequested;

    /// <summary>Runs the agent is busy with: those given to it on this connection and those it still runs from before.</summary>
    public int InFlight => Volatile.Read(ref _inFlight) + Volatile.Read(ref _heldElsewhere);

    /// <summary>Capacity slots: the dispatcher holds one per running run.</summary>
    internal SemaphoreSlim Slots { get; }

    internal void RunStarted() => Interlocked.Increment(ref _inFlight);

    /// <summary>
    /// An agent that reconnects may still run what it was given before: those runs hold capacity slots here
    /// until <see cref="AgentReports"/> shows them done, so the hub never gives it more than it declared.
    /// </summary>
    internal void HoldForRunsFromBefore(int runs)
    {
        lock (_heldElsewhereGate)
        {
            for (var i = 0; i < runs && Slots.Wait(0); i++)
            {
                _heldElsewhere++;
            }
        }
    }

    /// <summary>What the agent says it is running (a heartbeat): slots held for runs from before are freed as they end.</summary>
    internal void AgentReports(int agentInFlight)
    {
        lock (_heldElsewhereGate)
        {
            var stillFromBefore = Math.Max(0, agentInFlight - Volatile.Read(ref _inFlight));
            for (; _heldElsewhere > stillFromBefore; _heldElsewhere--)
            {
                Slots.Release();
            }
        }
    }

    internal void RunEnded() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Why it went offline, when something other than its own stream ended it (replaced, revoked).</summary>
    public string? OfflineReason { get; private set; }

    internal void GoOffline(string? reason = null)
    {
        OfflineReason ??= reason;
        if (!_lost.IsCancellationRequested)
        {
            _lost.Cancel();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _registry.MarkOffline(this);
}

/// <summary>How the hub sees an agent's connection (for GET /api/v1/agents).</summary>
/// <param name="Version">The agent's software version.</param>
/// <param name="RemoteAddress">The address the connection came from, or null for the built-in agent.</param>
/// <param name="IsLocal">True for the hub's built-in agent.</param>
/// <param name="Credential">The configured name of the token it connected with (null for the built-in agent).</param>
/// <param name="Replica">The hub replica holding the agent's stream when it is another one (null: this hub).</param>
public sealed record AgentConnection(string? Version, string? RemoteAddress, bool IsLocal = false, string? Credential = null, string? Replica = null);
