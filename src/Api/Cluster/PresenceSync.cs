using System.Text.Json;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Agents;

namespace SmtpProbeHub.Api.Cluster;

/// <summary>
/// Agent presence as leases in the database. This replica publishes the agents whose streams it holds (renewed every
/// <see cref="ClusterOptions.RenewSeconds"/>, dropped when they go), and mirrors the other replicas' agents into its
/// registry as <see cref="PeerAgent"/>s, so a probe accepted here may name any agent and <c>GET /api/v1/agents</c>
/// lists every agent with the replica it is on. A lease that is not renewed (its replica died) expires: the agent is
/// offline here until it reconnects, through the load balancer, to a live replica. An agent connected here always
/// wins over another replica's lease for it.
/// </summary>
internal sealed partial class PresenceSync(
    AgentRegistry registry,
    IClusterStore store,
    ClusterSignals signals,
    RelayChannel relay,
    ReplicaLease lease,
    IOptions<ClusterOptions> options,
    ILogger<PresenceSync> logger) : BackgroundService
{
    /// <summary>
    /// Leases are wall-clock facts shared with other processes: always the system clock, never the hub's injectable one
    /// (a test's fake clock jumping a minute would otherwise make every replica look dead to the others).
    /// </summary>
    private static readonly TimeProvider Clock = TimeProvider.System;

    private HashSet<string> _published = [];
    private DateTimeOffset _renewed = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var changedElsewhere = Task.CompletedTask;
        var mirrored = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PublishAsync(stoppingToken);
                // The other replicas' leases are read when one of them announces a change, and once a renewal otherwise (a
                // lease that expires announces nothing): not at every short poll, which would read every agent 4 times a second.
                if (changedElsewhere.IsCompleted || Clock.GetUtcNow() - mirrored >= TimeSpan.FromSeconds(options.Value.RenewSeconds))
                {
                    changedElsewhere = signals.WaitAsync(ClusterChannels.Presence, ClusterSignals.Any, stoppingToken);
                    mirrored = Clock.GetUtcNow();
                    await MirrorAsync(stoppingToken);
                }

                // A local connect or disconnect (in memory) is published within the short poll.
                await Task.WhenAny(changedElsewhere, Task.Delay(250, stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogSyncFailed(ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), Clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>This replica's own agents: at once when the set changed, else when the lease needs renewing.</summary>
    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow();
        var mine = registry.Online().Where(a => !a.Connection.IsLocal && a.Agent is not PeerAgent).ToList();
        var ids = mine.Select(a => a.Agent.Id).ToHashSet(StringComparer.Ordinal);
        var gone = _published.Where(id => !ids.Contains(id)).ToList();
        var changed = gone.Count > 0 || ids.Any(id => !_published.Contains(id));
        if (!changed && now - _renewed < TimeSpan.FromSeconds(options.Value.RenewSeconds))
        {
            return;
        }

        // Revoked on another replica (POST …/revoke went elsewhere): the stream held here ends within a renewal.
        foreach (var revoked in await store.RevokedAmongAsync(ids, cancellationToken))
        {
            if (mine.Find(a => a.Agent.Id == revoked) is { } registration)
            {
                registry.MarkOffline(registration, "revoked");
                LogRevokedElsewhere(revoked);
                mine.Remove(registration);
                ids.Remove(revoked);
                gone.Add(revoked);
            }
        }

        // New agents get their whole row; the others' leases are renewed in one statement (their rows do not change).
        var online = mine.Where(a => !_published.Contains(a.Agent.Id)).Select(a => new AgentPresence
        {
            AgentId = a.Agent.Id,
            Name = a.Agent.Name,
            LabelsJson = JsonSerializer.Serialize(a.Agent.Labels),
            Capacity = a.Agent.Capacity,
            InFlight = a.InFlight,
            Version = a.Connection.Version,
            RemoteAddress = a.Connection.RemoteAddress,
            Credential = a.Connection.Credential,
            ConnectedAtMs = a.ConnectedAt.ToUnixTimeMilliseconds(),
            LastSeenMs = a.LastSeen.ToUnixTimeMilliseconds(),
            IsNew = true,
        }).ToList();
        await store.PublishPresenceAsync(lease.Replica, online, gone, now, now.AddSeconds(options.Value.LeaseSeconds), cancellationToken);
        _published = ids;
        _renewed = now;
    }

    /// <summary>The other replicas' agents, as peers in this registry.</summary>
    private async Task MirrorAsync(CancellationToken cancellationToken)
    {
        var leases = (await store.PresencesAsync(Clock.GetUtcNow(), cancellationToken))
            .Where(p => p.Replica != lease.Replica).ToDictionary(p => p.AgentId, StringComparer.Ordinal);
        foreach (var presence in leases.Values)
        {
            var current = registry.Find(presence.AgentId);
            if (current is { IsOnline: true } && current.Agent is not PeerAgent)
            {
                continue; // connected here: this replica's own lease wins at its next publish
            }

            if (current is { IsOnline: true, Agent: PeerAgent peer } && peer.Replica == presence.Replica
                && current.ConnectedAt.ToUnixTimeMilliseconds() == presence.ConnectedAtMs)
            {
                current.LastSeen = DateTimeOffset.FromUnixTimeMilliseconds(presence.LastSeenMs);
                continue;
            }

            registry.Register(new PeerAgent(presence, relay),
                new AgentConnection(presence.Version, presence.RemoteAddress, Credential: presence.Credential, Replica: presence.Replica),
                connectedAt: DateTimeOffset.FromUnixTimeMilliseconds(presence.ConnectedAtMs));
            LogPeerOnline(presence.AgentId, presence.Replica);
        }

        foreach (var registration in registry.Online().Where(a => a.Agent is PeerAgent))
        {
            if (!leases.TryGetValue(registration.Agent.Id, out var presence) || presence.Replica != ((PeerAgent)registration.Agent).Replica)
            {
                registry.MarkOffline(registration, "its replica no longer holds the agent's stream");
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Syncing agent presence with the other replicas failed ({Reason}); retrying")]
    private partial void LogSyncFailed(string reason);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} was revoked on another replica: its stream here ends")]
    private partial void LogRevokedElsewhere(string agentId);

    [LoggerMessage(LogLevel.Information, "Agent {AgentId} is online on replica {Replica}")]
    private partial void LogPeerOnline(string agentId, string replica);
}
