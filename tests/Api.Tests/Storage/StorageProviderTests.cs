using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Api.Storage.Database;
using SmtpProbeHub.Api.Tests.Support;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.TestSupport.Postgres;

namespace SmtpProbeHub.Api.Tests.Storage;

/// <summary>
/// The same store on both providers, in every pass whatever SMTPPROBEHUB_TEST_STORAGE says (issue 12): what one stores
/// reads back alike, lists alike (filters, paging, order), a result delivered twice is stored once, and a schema
/// newer than the hub's is refused. Plus what only a shared PostgreSQL has: hubs starting together migrate once.
/// </summary>
public sealed class StorageProviderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly AgentRef Hub = new("hub", "hub", new Dictionary<string, string>());
    private static readonly AgentRef Outside = new("agent-7", "outside-1", new Dictionary<string, string> { ["zone"] = "outside" });

    // Ids chosen so that the two probes created at the same millisecond tie-break on the id: "1…" before "A…".
    private static readonly Guid P1 = Guid.Parse("a0000000-0000-7000-8000-000000000001");
    private static readonly Guid P2 = Guid.Parse("10000000-0000-7000-8000-000000000002");
    private static readonly Guid P3 = Guid.Parse("30000000-0000-7000-8000-000000000003");
    private static readonly Guid P4 = Guid.Parse("40000000-0000-7000-8000-000000000004");
    private static readonly Guid P5 = Guid.Parse("50000000-0000-7000-8000-000000000005");
    private static readonly Guid Monitor = Guid.Parse("6d000000-0000-7000-8000-00000000000d");

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task StoredProbes_ReadBackAndListAlike_WithEachFilterPagingAndOrder(string provider)
    {
        await using var hub = Factory(provider);
        var client = hub.CreateClient();
        var store = hub.Services.GetRequiredService<IProbeStore>();
        var ct = TestContext.Current.CancellationToken;

        // P1 and P2 share a creation time; P5 is the newest. P3 is still running; P4 ran on the outside agent and failed.
        await CreateEndedAsync(store, P1, T0, "mx.corp.test", "a@corp.test", Hub, Verdict.Passed, null);
        await CreateEndedAsync(store, P2, T0, "mx.corp.test", "b@other.test", Hub, Verdict.Passed, Monitor);
        await store.CreateAsync(Probe(P3, T0.AddMinutes(1), ProbeStatus.Running, "MX.Other.Test", "c@other.test", Hub, null), ct);
        await CreateEndedAsync(store, P4, T0.AddMinutes(2), null, "d@Corp.Test", Outside, Verdict.Failed, null);
        await CreateEndedAsync(store, P5, T0.AddMinutes(3).AddMilliseconds(7), "mx.corp.test", "e@corp.test", Hub, Verdict.Passed, Monitor);

        var p4 = await store.GetAsync(P4, ct);
        Assert.NotNull(p4);
        Assert.Equal(P4, p4.Id);
        Assert.Equal(T0.AddMinutes(2), p4.CreatedAt);
        Assert.Equal(ProbeStatus.Completed, p4.Status);
        Assert.Equal(T0.AddMinutes(2).AddSeconds(5), p4.EndedAt);
        Assert.Null(p4.MonitorId);
        Assert.Equal(["d@Corp.Test"], p4.Plan.To);
        Assert.Null(p4.Plan.Server);
        var run = Assert.Single(p4.Runs);
        Assert.Equal(Outside.Id, run.Agent.Id);
        Assert.Equal(Outside.Name, run.Agent.Name);
        Assert.Equal("outside", run.Agent.Labels["zone"]);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(Verdict.Failed, run.Result?.Verdict);
        Assert.Equal(T0.AddMinutes(2).AddSeconds(1), run.StartedAt);
        var p5 = await store.GetAsync(P5, ct);
        Assert.Equal(T0.AddMinutes(3).AddMilliseconds(7), p5!.CreatedAt);
        Assert.Equal(Monitor, p5.MonitorId);
        Assert.Null(await store.GetAsync(Guid.NewGuid(), ct));

        // Newest first, then the id (byte-wise, as both providers sort the upper-case keys).
        Assert.Equal([P5, P4, P3, P2, P1], await IdsAsync(store, new ProbeQuery()));
        Assert.Equal([P3], await IdsAsync(store, new ProbeQuery { Status = ProbeStatus.Running }));
        Assert.Equal([P5, P4, P2, P1], await IdsAsync(store, new ProbeQuery { Status = ProbeStatus.Completed }));
        Assert.Equal([P4], await IdsAsync(store, new ProbeQuery { Verdict = Verdict.Failed }));
        Assert.Equal([P5, P2, P1], await IdsAsync(store, new ProbeQuery { Verdict = Verdict.Passed }));
        Assert.Equal([P4], await IdsAsync(store, new ProbeQuery { Agent = "agent-7" }));
        Assert.Equal([P4], await IdsAsync(store, new ProbeQuery { Agent = "outside-1" }));
        Assert.Equal([P5, P3, P2, P1], await IdsAsync(store, new ProbeQuery { Agent = "hub" }));
        Assert.Equal([P5, P2, P1], await IdsAsync(store, new ProbeQuery { Server = "MX.corp.test" }));
        Assert.Equal([P3], await IdsAsync(store, new ProbeQuery { Server = "mx.other.test" }));
        Assert.Equal([P5, P4, P1], await IdsAsync(store, new ProbeQuery { Domain = "corp.test" }));
        Assert.Equal([P3, P2], await IdsAsync(store, new ProbeQuery { Domain = "OTHER.test" }));
        Assert.Equal([P5, P2], await IdsAsync(store, new ProbeQuery { Monitor = Monitor }));
        Assert.Equal([P4, P3], await IdsAsync(store, new ProbeQuery { CreatedFrom = T0.AddMinutes(1), CreatedTo = T0.AddMinutes(3) }));
        Assert.Equal([P2, P1], await IdsAsync(store, new ProbeQuery { CreatedTo = T0.AddMilliseconds(1) }));
        Assert.Equal([P5, P2], await IdsAsync(store, new ProbeQuery { Monitor = Monitor, Verdict = Verdict.Passed, Server = "mx.corp.test" }));
        Assert.Empty(await IdsAsync(store, new ProbeQuery { Agent = "nobody" }));

        // Pages of two: the total is the whole match, whatever the page.
        var pages = new List<ProbePage>();
        for (var page = 1; page <= 4; page++)
        {
            pages.Add(await store.ListAsync(new ProbeQuery { Page = page, PageSize = 2 }, ct));
        }

        Assert.All(pages, p => Assert.Equal(5, p.Total));
        Assert.Equal(new[] { new[] { P5, P4 }, [P3, P2], [P1], [] }, pages.Select(p => p.Items.Select(i => i.Id).ToArray()).ToArray());
        var filtered = await store.ListAsync(new ProbeQuery { Verdict = Verdict.Passed, Page = 2, PageSize = 2 }, ct);
        Assert.Equal(3, filtered.Total);
        Assert.Equal([P1], filtered.Items.Select(i => i.Id));
        // Listed probes come with their runs, as read whole.
        Assert.Equal(Verdict.Failed, Assert.Single(pages[0].Items[1].Runs).Result?.Verdict);

        // And through the REST API.
        var listed = await (await client.GetAsync("/api/v1/probes?pageSize=2&page=2&agent=hub", ct)).JsonAsync();
        Assert.Equal(4, listed.GetProperty("total").GetInt32());
        Assert.Equal(
            [P2.ToString(), P1.ToString()],
            listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        var one = await client.GetAsync($"/api/v1/probes/{P4}", ct);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal("failed", (await one.JsonAsync()).GetProperty("runs")[0].GetProperty("verdict").GetString());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ResultDeliveredTwice_IsStoredOnce_AndALateResultStillCompletesALostRun(string provider)
    {
        await using var hub = Factory(provider);
        _ = hub.CreateClient();
        var store = hub.Services.GetRequiredService<IProbeStore>();
        var ct = TestContext.Current.CancellationToken;
        var id = Guid.CreateVersion7();
        var probe = Probe(id, T0, ProbeStatus.Running, "mx.corp.test", "a@corp.test", Hub, null, runs: 2);
        await store.CreateAsync(probe, ct);
        var (first, second) = (probe.Runs[0], probe.Runs[1]);
        await store.MarkRunStartedAsync(first.Id, T0.AddSeconds(1), ct);
        await store.MarkRunStartedAsync(second.Id, T0.AddSeconds(1), ct);

        Assert.True(await store.EndRunAsync(Completed(first, Verdict.Passed, T0.AddSeconds(2)), ct));
        Assert.False(await store.EndRunAsync(Completed(first, Verdict.Failed, T0.AddSeconds(3)), ct));
        // The wrong agent cannot end a run.
        Assert.False(await store.EndRunAsync(Completed(second, Verdict.Passed, T0.AddSeconds(3)) with { Agent = Outside }, ct));
        Assert.True(await store.EndRunAsync(second with { Status = RunStatus.AgentLost, EndedAt = T0.AddSeconds(4) }, ct));
        Assert.True(await store.EndRunAsync(Completed(second, Verdict.Failed, T0.AddSeconds(5)), new ProbeEnd(ProbeStatus.Completed, T0.AddSeconds(5)), ct));
        Assert.False(await store.EndRunAsync(Completed(second, Verdict.Passed, T0.AddSeconds(6)), ct));
        Assert.False(await store.EndRunAsync(Completed(first, Verdict.Passed, T0) with { Id = Guid.NewGuid() }, ct));

        var stored = await store.GetAsync(id, ct);
        Assert.Equal(ProbeStatus.Completed, stored!.Status);
        Assert.Equal(T0.AddSeconds(5), stored.EndedAt);
        Assert.Equal([Verdict.Passed, Verdict.Failed], stored.Runs.Select(r => r.Result!.Verdict));
        Assert.Equal([T0.AddSeconds(2), T0.AddSeconds(5)], stored.Runs.Select(r => r.EndedAt!.Value));
        Assert.Equal([T0.AddSeconds(1), T0.AddSeconds(1)], stored.Runs.Select(r => r.StartedAt!.Value));
        Assert.Equal("hub", await store.AgentOfRunAsync(first.Id, ct));
        Assert.Null(await store.AgentOfRunAsync(Guid.NewGuid(), ct));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task DatabaseOfANewerSchema_IsRefusedAtStart(string provider)
    {
        var data = Directory.CreateTempSubdirectory("hubtest-").FullName;
        const string newer = "CREATE TABLE schema_version (Version INTEGER NOT NULL); INSERT INTO schema_version VALUES (999);";
        var settings = new Dictionary<string, string?> { ["Hub:Storage:Provider"] = provider };
        string? database = null;
        if (provider == "postgres")
        {
            database = await (await PostgresCluster.SharedAsync()).CreateDatabaseAsync("hubtest");
            settings["Hub:Storage:ConnectionString"] = database;
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand(newer, connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        else
        {
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(data, "smtpprobehub.db")};Pooling=false");
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = newer;
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        try
        {
            await using var hub = new HubFactory(new FakeRunner(), settings, data);

            var error = Assert.ThrowsAny<Exception>(() => hub.CreateClient());
            Assert.Contains("newer", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            if (database is not null)
            {
                await (await PostgresCluster.SharedAsync()).DropDatabaseAsync(database);
            }

            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task HubsStartingTogetherOnOnePostgresDatabase_MigrateItOnce_WithoutError()
    {
        var cluster = await PostgresCluster.SharedAsync();
        var database = await cluster.CreateDatabaseAsync("hubtest");
        var hubs = Enumerable.Range(0, 3).Select(_ => new HubFactory(new FakeRunner(), new()
        {
            ["Hub:Storage:Provider"] = "postgres",
            ["Hub:Storage:ConnectionString"] = database,
            ["Hub:LocalAgent:Enabled"] = "false",
        })).ToList();
        try
        {
            // Each starts (and migrates) on its own thread: the advisory lock makes the later ones find the work done.
            var clients = await Task.WhenAll(hubs.Select(h => Task.Run(() => h.CreateClient(), TestContext.Current.CancellationToken)));

            var id = Guid.CreateVersion7();
            await hubs[0].Services.GetRequiredService<IProbeStore>().CreateAsync(
                Probe(id, T0, ProbeStatus.Running, null, "a@corp.test", Hub, null), TestContext.Current.CancellationToken);
            foreach (var client in clients)
            {
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/probes/{id}", TestContext.Current.CancellationToken)).StatusCode);
            }

            // Each script ran once, whichever hub ran it.
            Assert.Equal(SchemaScripts.Postgres.Count, await hubs[1].DatabaseScalarAsync("SELECT COUNT(*) FROM schema_version;"));
            Assert.Equal(SchemaScripts.Postgres.Count, await hubs[2].DatabaseScalarAsync("SELECT MAX(Version) FROM schema_version;"));
            Assert.Equal(1, await hubs[2].DatabaseScalarAsync("SELECT COUNT(*) FROM store_identity;"));
        }
        finally
        {
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }

            await cluster.DropDatabaseAsync(database);
        }
    }

    /// <summary>A hub on <paramref name="provider"/> (a fresh database of its own), whatever the pass's default.</summary>
    private static HubFactory Factory(string provider) => new(new FakeRunner(), new()
    {
        ["Hub:Storage:Provider"] = provider,
        // Nothing of the test's own probes may go: they were created in 2026's past.
        ["Hub:Retention:MaxAgeDays"] = "0",
        ["Hub:Retention:MaxProbes"] = "0",
    });

    private static async Task<Guid[]> IdsAsync(IProbeStore store, ProbeQuery query) =>
        [.. (await store.ListAsync(query, TestContext.Current.CancellationToken)).Items.Select(p => p.Id)];

    private static ProbeRecord Probe(Guid id, DateTimeOffset createdAt, ProbeStatus status, string? server, string to, AgentRef agent, Guid? monitor, int runs = 1) => new()
    {
        Id = id,
        CreatedAt = createdAt,
        Status = status,
        Plan = new ProbePlan { To = [to], Server = server },
        MonitorId = monitor,
        Runs = [.. Enumerable.Range(0, runs).Select(i => new RunRecord { Id = Guid.NewGuid(), ProbeId = id, Ordinal = i, Agent = agent, Status = RunStatus.Queued })],
    };

    private static RunRecord Completed(RunRecord run, Verdict verdict, DateTimeOffset at) =>
        run with { Status = RunStatus.Completed, EndedAt = at, Result = new ProbeResult { Verdict = verdict } };

    private static async Task CreateEndedAsync(
        IProbeStore store, Guid id, DateTimeOffset createdAt, string? server, string to, AgentRef agent, Verdict verdict, Guid? monitor)
    {
        var ct = TestContext.Current.CancellationToken;
        var probe = Probe(id, createdAt, ProbeStatus.Running, server, to, agent, monitor);
        await store.CreateAsync(probe, ct);
        await store.MarkRunStartedAsync(probe.Runs[0].Id, createdAt.AddSeconds(1), ct);
        Assert.True(await store.EndRunAsync(
            Completed(probe.Runs[0], verdict, createdAt.AddSeconds(5)), new ProbeEnd(ProbeStatus.Completed, createdAt.AddSeconds(5)), ct));
    }
}
