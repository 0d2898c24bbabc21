namespace SmtpProbeHub.Api.Agents;

/// <summary>
/// One connection of one agent to the registry. Disposing it (or <see cref="AgentRegistry.MarkOffline"/>)
/// takes the agent offline: its queued and running runs see <see cref="Lost"/> and end as <c>agentLost</c>.
/// A reconnect registers again and gets a new registration.
/// </summary>
public sealed class AgentRegistration : IDisposable
{
    private readonly CancellationTokenSource lost = new();
    private readonly AgentRegistry registry;
    private int inFlight;

    internal AgentRegistration(AgentRegistry registry, IProbeAgent agent, AgentConnection connection, DateTimeOffset now)
    {
        this.registry = registry;
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
    public CancellationToken Lost => lost.Token;

    /// <summary>True until the agent goes offline.</summary>
    public bool IsOnline => !lost.IsCancellationRequested;

    /// <summary>Runs currently given to the agent.</summary>
    public int InFlight => Volatile.Read(ref inFlight);

    /// <summary>Capacity slots: the dispatcher holds one per running run.</summary>
    internal SemaphoreSlim Slots { get; }

    internal void RunStarted() => Interlocked.Increment(ref inFlight);

    internal void RunEnded() => Interlocked.Decrement(ref inFlight);

    internal void GoOffline()
    {
        if (!lost.IsCancellationRequested)
        {
            lost.Cancel();
        }
    }

    /// <inheritdoc />
    public void Dispose() => registry.MarkOffline(this);
}
