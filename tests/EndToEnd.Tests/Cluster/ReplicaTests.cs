using System.Net;
using System.Text.Json;
using SmtpProbeHub.EndToEnd.Tests.Agents.Processes;
using SmtpProbeHub.TestSupport.Haproxy;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Postgres;
using SmtpProbeHub.TestSupport.Scripted;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.EndToEnd.Tests.Cluster;

/// <summary>
/// Two real hub processes as replicas on one real PostgreSQL (the tests' own cluster), real agent processes, and for the
/// failover a real HAProxy in front (issue 12). A probe accepted by one replica for an agent whose stream the other holds
/// is relayed through the database; its owner keeps its events, so <c>?wait</c> and SSE answer where it was posted.
/// </summary>
public sealed class ReplicaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BehindHaproxy_ProbePostedToA_ForTheAgentOnB_CompletesWithItsTranscript_ViaWaitAndSse_AndCancelAndEventsCrossReplicas()
    {
        var database = await (await PostgresCluster.SharedAsync()).CreateDatabaseAsync("replicas");
        await using var replicaA = await StartReplicaAsync("hub-a", database);
        await using var replicaB = await StartReplicaAsync("hub-b", database);
        var replicas = new Dictionary<string, HubProcess> { ["hub-a"] = replicaA, ["hub-b"] = replicaB };
        await using var haproxy = await InFrontAsync(replicas);

        // Two agents through the load balancer (leastconn usually gives each replica one; the test needs only agent-2's).
        var grpc = haproxy.GrpcUri.ToString().TrimEnd('/');
        await using var first = AgentProcess.Start(grpc, "agent-1", "inside", FleetHub.Token, agentId: null, allowLoopbackTargets: true);
        await first.WaitConnectedAsync();
        await using var agent = AgentProcess.Start(grpc, "agent-2", "outside", FleetHub.Token, agentId: null, allowLoopbackTargets: true);
        await agent.WaitConnectedAsync();
        var agentId = await agent.IdAsync();

        // Every replica lists every agent, with the replica holding its stream.
        var listed = await Eventually.ReadAsync(() => AgentAsync(replicaA, agentId), a => a is { } found && found.GetProperty("status").GetString() == "online");
        var replicaOfAgent = listed!.Value.GetProperty("replica").GetString()!;
        var firstId = await first.IdAsync();
        await Eventually.ReadAsync(() => AgentAsync(replicaA, firstId), a => a is { } found && found.GetProperty("status").GetString() == "online");
        // B holds agent-2's stream (wherever HAProxy put agent-1); A is the other replica, where the probes are posted.
        var hubB = replicas[replicaOfAgent];
        var hubA = replicas.Single(r => r.Key != replicaOfAgent).Value;
        await Eventually.ReadAsync(() => AgentAsync(hubA, agentId), a => a is { } found && found.GetProperty("status").GetString() == "online");
        Assert.Equal(replicaOfAgent, (await AgentAsync(hubB, agentId))!.Value.GetProperty("replica").GetString());

        // ?wait on A: the run is relayed to B, and A answers with the finished probe and its transcript.
        await using var fast = ScriptedSmtpServer.Start();
        var response = await hubA.Client.PostProbeAsync(Probe(fast, agentId), wait: 60);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var probe = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        var run = probe.GetProperty("runs")[0];
        Assert.Equal("passed", run.GetProperty("verdict").GetString());
        Assert.Equal(agentId, run.GetProperty("agent").GetProperty("id").GetString());
        Assert.Contains(run.GetProperty("transcript").EnumerateArray(), l => l.GetProperty("text").GetString()!.StartsWith("220 ", StringComparison.Ordinal));
        // Stored once, and read alike from the other replica.
        var fromB = await hubB.Client.GetJsonAsync($"/api/v1/probes/{probe.GetProperty("id").GetString()}");
        Assert.Equal(run.GetProperty("transcript").GetArrayLength(), fromB.GetProperty("runs")[0].GetProperty("transcript").GetArrayLength());

        // SSE on A (the owner) and on B (a reader elsewhere) of one probe in flight: the same events with the same ids.
        await using var slow = ScriptedSmtpServer.Start(s => s.Banner = ScriptedReply.Lines("220 slow.test ESMTP").After(TimeSpan.FromSeconds(2)));
        var id = await hubA.Client.SubmitAsync(Probe(slow, agentId));
        var onA = ReadEventsAsync(hubA, id, lastEventId: null);
        var onB = ReadEventsAsync(hubB, id, lastEventId: null);
        var (eventsA, eventsB) = (await onA, await onB);
        Assert.Equal("end", eventsA[^1].Type);
        Assert.Contains(eventsA, e => e.Type == "transcript");
        Assert.Equal(eventsA.Select(e => (e.Id, e.Type)), eventsB.Select(e => (e.Id, e.Type)));
        // Last-Event-ID resumes on another replica after the id it saw.
        var resumed = await ReadEventsAsync(hubB, id, lastEventId: eventsA[2].Id);
        Assert.Equal(eventsA.Skip(3).Select(e => e.Id), resumed.Select(e => e.Id));

        // Cancel asked on B of a probe A runs on B's agent: the owner cancels, the holder stops the dialog.
        await using var silent = ScriptedSmtpServer.Start(s => s.Banner = ScriptedReply.Never());
        var stuck = await hubA.Client.SubmitAsync(Probe(silent, agentId, ""","timeouts":{"bannerSeconds":60,"totalSeconds":120}"""));
        await hubA.Client.WaitForProbeAsync(stuck, p => HubClient.RunStatuses(p).Single() == "running");
        var cancel = await hubB.Http.PostAsync($"/api/v1/probes/{stuck}/cancel", null, Ct);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var canceled = await hubB.Client.WaitForEndAsync(stuck, TimeSpan.FromSeconds(20));
        Assert.Equal("canceled", canceled.GetProperty("status").GetString());
        Assert.Equal("canceled", HubClient.RunStatuses(canceled).Single());
    }

    [Fact]
    public async Task KillNineOfTheReplicaHoldingTheAgent_MidRun_AgentMovesThroughHaproxy_EveryRunEndsOnce_NothingStaysRunning()
    {
        var database = await (await PostgresCluster.SharedAsync()).CreateDatabaseAsync("failover");
        await using var hubA = await StartReplicaAsync("hub-a", database);
        await using var hubB = await StartReplicaAsync("hub-b", database);
        var hubs = new Dictionary<string, HubProcess> { ["hub-a"] = hubA, ["hub-b"] = hubB };
        await using var haproxy = await InFrontAsync(hubs);
        await using var agent = AgentProcess.Start(haproxy.GrpcUri.ToString().TrimEnd('/'), "roaming", "outside", FleetHub.Token, agentId: null, allowLoopbackTargets: true);
        await agent.WaitConnectedAsync();
        var agentId = await agent.IdAsync();
        var holder = (await Eventually.ReadAsync(() => AgentAsync(hubA, agentId), a => a is { } found && found.GetProperty("status").GetString() == "online"))!
            .Value.GetProperty("replica").GetString()!;
        var survivor = hubs.Keys.Single(k => k != holder);
        // The survivor knows the agent (through its lease) before it is given a probe for it.
        await Eventually.ReadAsync(() => AgentAsync(hubs[survivor], agentId), a => a is { } found && found.GetProperty("status").GetString() == "online");
        try
        {
            await FailOverAsync(hubs, holder, survivor, agent, agentId);
        }
        catch
        {
            // What each process said, for whoever reads a failure: artifacts/replicas/.
            var folder = Artifacts.Folder("replicas");
            foreach (var (name, hub) in hubs)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, $"{name}.log"), hub.Text, CancellationToken.None);
            }

            await File.WriteAllLinesAsync(Path.Combine(folder, "agent.log"), agent.Process.Output, CancellationToken.None);
            throw;
        }
    }

    private static async Task FailOverAsync(Dictionary<string, HubProcess> hubs, string holder, string survivor, AgentProcess agent, string agentId)
    {

        // One probe owned by each replica, both running on the agent, whose server answers only after the kill.
        await using var slow = ScriptedSmtpServer.Start(s => s.Banner = ScriptedReply.Lines("220 slow.test ESMTP").After(TimeSpan.FromSeconds(6)));
        var relayed = await hubs[survivor].Client.SubmitAsync(Probe(slow, agentId));
        var ownedByTheDead = await hubs[holder].Client.SubmitAsync(Probe(slow, agentId));
        await hubs[survivor].Client.WaitForProbeAsync(relayed, p => HubClient.RunStatuses(p).Single() == "running");
        await hubs[survivor].Client.WaitForProbeAsync(ownedByTheDead, p => HubClient.RunStatuses(p).Single() == "running");

        await hubs[holder].KillAsync();

        // The agent finishes both dialogs, reconnects through HAProxy to the survivor, and hands over what it kept.
        await Eventually.ReadAsync(() => AgentAsync(hubs[survivor], agentId),
            a => a is { } found && found.GetProperty("status").GetString() == "online" && found.GetProperty("replica").GetString() == survivor, TimeSpan.FromSeconds(30));
        foreach (var id in new[] { relayed, ownedByTheDead })
        {
            var ended = await hubs[survivor].Client.WaitForProbeAsync(id, p => HubClient.RunStatuses(p).Single() == "completed", TimeSpan.FromSeconds(60));
            Assert.Equal("completed", ended.GetProperty("status").GetString());
            Assert.Equal("passed", ended.GetProperty("runs")[0].GetProperty("verdict").GetString());
        }

        // Stored once: the agent's spool is empty (each result acknowledged after its store), and nothing is left running.
        await Eventually.ReadAsync(() => Task.FromResult(agent.SpooledResults), n => n == 0);
        Assert.Equal(0, await hubs[survivor].Client.CountAsync("status=running"));
    }

    [Fact]
    public async Task AnAgentsCapacity_HoldsAcrossReplicas_ProbesPostedToBothRunOneAtATimeOnIt()
    {
        var database = await (await PostgresCluster.SharedAsync()).CreateDatabaseAsync("capacity");
        await using var hubA = await StartReplicaAsync("hub-a", database);
        await using var hubB = await StartReplicaAsync("hub-b", database);
        await using var agent = AgentProcess.Start(hubB.GrpcUrl, "single", "outside", FleetHub.Token, agentId: null, allowLoopbackTargets: true, capacity: 1);
        await agent.WaitConnectedAsync();
        var agentId = await agent.IdAsync();
        await Eventually.ReadAsync(() => AgentAsync(hubA, agentId), a => a is { } found && found.GetProperty("status").GetString() == "online");

        // Two probes on each replica for an agent that takes one at a time: each replica alone would respect it; together
        // they do only if the replica holding the stream hands out the runs.
        await using var slow = ScriptedSmtpServer.Start(s => s.Banner = ScriptedReply.Lines("220 slow.test ESMTP").After(TimeSpan.FromMilliseconds(700)));
        var ids = new List<(HubProcess Hub, string Id)>();
        foreach (var hub in new[] { hubA, hubB, hubA, hubB })
        {
            ids.Add((hub, await hub.Client.SubmitAsync(Probe(slow, agentId))));
        }

        // The agent's own clock: from its first step's start to its last step's end, per run.
        var spans = new List<(DateTimeOffset From, DateTimeOffset To)>();
        foreach (var (hub, id) in ids)
        {
            var ended = await hub.Client.WaitForEndAsync(id, TimeSpan.FromSeconds(60));
            var run = ended.GetProperty("runs")[0];
            Assert.Equal("passed", run.GetProperty("verdict").GetString());
            var steps = run.GetProperty("steps").EnumerateArray().ToList();
            var last = steps[^1];
            spans.Add((steps[0].GetProperty("startedAt").GetDateTimeOffset(),
                last.GetProperty("startedAt").GetDateTimeOffset().AddMilliseconds(last.GetProperty("elapsedMs").GetDouble())));
        }

        var ordered = spans.OrderBy(s => s.From).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            Assert.True(ordered[i].From >= ordered[i - 1].To,
                "two runs overlapped on an agent of capacity 1: " + string.Join(", ", ordered.Select(s => $"{s.From:HH:mm:ss.fff}–{s.To:HH:mm:ss.fff}")));
        }
    }

    /// <summary>HAProxy in front of the replicas (REST and gRPC), once it sees every replica's agent port up.</summary>
    private static async Task<HaproxyProcess> InFrontAsync(Dictionary<string, HubProcess> replicas)
    {
        var haproxy = await HaproxyProcess.StartAsync(
            [.. replicas.Select(h => new HaproxyServer(h.Key, $"127.0.0.1:{h.Value.RestPort}"))],
            [.. replicas.Select(h => new HaproxyServer(h.Key, $"127.0.0.1:{h.Value.GrpcPort}", HealthAddress: $"127.0.0.1:{h.Value.RestPort}"))]);
        try
        {
            await haproxy.WaitForServersAsync("grpc", [.. replicas.Keys]);
            return haproxy;
        }
        catch
        {
            await haproxy.DisposeAsync();
            throw;
        }
    }

    private static string Probe(ScriptedSmtpServer server, string agentId, string extra = "") =>
        $$"""{"server":"{{server.Host}}","port":{{server.Port}},"tls":"none","from":"admin@test.com","to":["alice@corp.test"],"agents":{"ids":["{{agentId}}"]}{{extra}}}""";

    private static async Task<JsonElement?> AgentAsync(HubProcess hub, string agentId) =>
        (await hub.Client.GetJsonAsync("/api/v1/agents")).EnumerateArray().Cast<JsonElement?>().FirstOrDefault(a => a!.Value.GetProperty("id").GetString() == agentId);

    /// <summary>A replica on the shared database: no built-in agent, the fleet's token, short heartbeats and leases.</summary>
    private static Task<HubProcess> StartReplicaAsync(string name, string connectionString) =>
        HubProcess.StartAsync(new HubProcessOptions
        {
            LocalAgent = false,
            AgentToken = FleetHub.Token,
            Arguments =
            [
                "--Hub:Storage:Provider=postgres", $"--Hub:Storage:ConnectionString={connectionString}",
                $"--Hub:Cluster:ReplicaId={name}", "--Hub:Cluster:SecretKey=replica-tests-secret-key-0123456789abcdef",
                "--Hub:Cluster:LeaseSeconds=3", "--Hub:Cluster:RenewSeconds=1", "--Hub:Cluster:PollMilliseconds=250",
                // The tests poll (all from loopback, one client to the rate limiter).
                "--Hub:RateLimit:Burst=1000", "--Hub:RateLimit:PerMinute=6000",
                "--Hub:Grpc:HeartbeatSeconds=1", $"--Hub:Grpc:HeartbeatTimeoutSeconds={FleetHub.HeartbeatTimeoutSeconds}",
            ],
        });

    private sealed record Event(long Id, string Type);

    /// <summary>Reads a probe's SSE stream to its end event; <paramref name="lastEventId"/> as a reconnecting EventSource sends it.</summary>
    private static async Task<List<Event>> ReadEventsAsync(HubProcess hub, string id, long? lastEventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/probes/{id}/events");
        if (lastEventId is { } last)
        {
            request.Headers.Add("Last-Event-ID", last.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        using var response = await hub.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var events = new List<Event>();
        long? eventId = null;
        string? type = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                eventId = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.Length == 0 && type is not null)
            {
                events.Add(new Event(eventId ?? 0, type));
                if (type == "end")
                {
                    break;
                }

                (eventId, type) = (null, null);
            }
        }

        return events;
    }
}
