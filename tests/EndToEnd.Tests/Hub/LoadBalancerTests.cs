using System.Text.Json;
using SmtpProbeHub.EndToEnd.Tests.Agents.Processes;
using SmtpProbeHub.TestSupport.Haproxy;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.EndToEnd.Tests.Hub;

/// <summary>
/// Two real hub processes behind a real HAProxy configured as deploy/haproxy.cfg (issue 12: replicas behind a load
/// balancer). Each replica still has its own SQLite here (the PostgreSQL replica mode is built elsewhere), so a replica
/// is told apart by what only it stores: its built-in agent, named after it (Hub:LocalAgent:Name), and the remote
/// agents connected to it. One test: it starts four processes on a small machine.
/// </summary>
public sealed class LoadBalancerTests
{
    private static readonly string[] Replicas = ["hub-a", "hub-b"];

    [Fact]
    public async Task RestReachesBothReplicas_AnAgentStreamsThroughHaproxy_AndMovesToTheOtherReplicaWhenItsOwnDies()
    {
        await using var hubA = await StartReplicaAsync("hub-a");
        await using var hubB = await StartReplicaAsync("hub-b");
        var hubs = new Dictionary<string, HubProcess> { ["hub-a"] = hubA, ["hub-b"] = hubB };
        await using var haproxy = await HaproxyProcess.StartAsync(
            [.. hubs.Select(h => new HaproxyServer(h.Key, $"127.0.0.1:{h.Value.RestPort}"))],
            [.. hubs.Select(h => new HaproxyServer(h.Key, $"127.0.0.1:{h.Value.GrpcPort}", HealthAddress: $"127.0.0.1:{h.Value.RestPort}"))]);
        await haproxy.WaitForServersAsync("rest", Replicas);
        await haproxy.WaitForServersAsync("grpc", Replicas);

        // (a) REST through HAProxy: round-robin reaches both replicas, each answering with its own agents' list.
        using var viaLb = new HubClient(haproxy.RestUri);
        var seen = new HashSet<string>();
        for (var i = 0; i < 6; i++)
        {
            seen.UnionWith(Names(await viaLb.GetJsonAsync("/api/v1/agents")).Where(Replicas.Contains));
        }

        Assert.Equal(Replicas, seen.Order());
        foreach (var replica in Replicas)
        {
            Assert.Equal(3, (await haproxy.ServerAsync("rest", replica)).TotalSessions);
        }

        // (b) An agent dialling HAProxy's h2c frontend holds its bidirectional stream with exactly one replica.
        await using var agent = AgentProcess.Start(haproxy.GrpcUri.ToString().TrimEnd('/'), "lb-agent", "outside");
        await agent.WaitConnectedAsync();
        var first = await Eventually.ReadAsync(
            async () => (await OnlineAtAsync(hubs, "lb-agent")).ToList(), at => at.Count == 1, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));
        var (served, other) = (first.Single(), Replicas.Single(r => r != first.Single()));
        Assert.Equal(1, (await haproxy.ServerAsync("grpc", served)).CurrentSessions);
        Assert.Equal(0, (await haproxy.ServerAsync("grpc", other)).CurrentSessions);

        // (c) The replica dies: HAProxy's checks take it out, and the agent reconnects through HAProxy to the other one.
        await hubs[served].KillAsync();
        await haproxy.WaitForServersAsync("grpc", [served], up: false, TimeSpan.FromSeconds(10));
        await hubs[other].Client.WaitForAgentsOnlineAsync("lb-agent");
        await agent.Process.WaitForLineAsync(l => l.Contains("Reconnecting"));
        Assert.Equal(2, agent.Process.Output.Count(l => l.Contains("Connected to hub")));
        Assert.Equal(1, (await haproxy.ServerAsync("grpc", other)).CurrentSessions);

        // REST keeps answering through HAProxy, from the replica left.
        for (var i = 0; i < 4; i++)
        {
            Assert.Contains(other, Names(await viaLb.GetJsonAsync("/api/v1/agents")));
        }
    }

    /// <summary>A replica: its own data, its built-in agent named after it, the fleet's enrolment token, 1 s heartbeats.</summary>
    private static Task<HubProcess> StartReplicaAsync(string name) =>
        HubProcess.StartAsync(new HubProcessOptions
        {
            AgentToken = FleetHub.Token,
            Arguments =
            [
                $"--Hub:LocalAgent:Id={name}", $"--Hub:LocalAgent:Name={name}",
                "--Hub:Grpc:HeartbeatSeconds=1", $"--Hub:Grpc:HeartbeatTimeoutSeconds={FleetHub.HeartbeatTimeoutSeconds}",
            ],
        });

    private static IEnumerable<string> Names(JsonElement agents) =>
        agents.EnumerateArray().Select(a => a.GetProperty("name").GetString()!);

    /// <summary>The replicas (read directly, not through HAProxy) that list <paramref name="agent"/> online.</summary>
    private static async Task<IEnumerable<string>> OnlineAtAsync(Dictionary<string, HubProcess> hubs, string agent)
    {
        var online = new List<string>();
        foreach (var (name, hub) in hubs)
        {
            var agents = await hub.Client.GetJsonAsync("/api/v1/agents");
            if (agents.EnumerateArray().Any(a => a.GetProperty("name").GetString() == agent && a.GetProperty("status").GetString() == "online"))
            {
                online.Add(name);
            }
        }

        return online;
    }
}
