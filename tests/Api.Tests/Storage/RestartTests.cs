using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Api.Storage.Database;
using SmtpProbeHub.Api.Tests.Support;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Serialization;

namespace SmtpProbeHub.Api.Tests.Storage;

public sealed class RestartTests
{
    [Fact]
    public async Task ProbeAcceptedBeforeARestart_IsReadableAfterIt()
    {
        var data = Directory.CreateTempSubdirectory("hubtest-").FullName;
        string id;
        HubFactory first;
        await using (first = new HubFactory(new FakeRunner(), dataDirectory: data))
        {
            id = (await (await first.CreateClient().PostJsonAsync("/api/v1/probes?wait=10", """{"to":["alice@corp.test"]}""")).JsonAsync()).GetProperty("id").GetString()!;
        }

        // On SQLite the data is the file in the data directory; on PostgreSQL the directory names the database.
        Assert.True(first.PostgresConnectionString is not null || File.Exists(Path.Combine(data, "smtpprobehub.db")));
        await using var second = new HubFactory(new FakeRunner(), dataDirectory: data);
        var probe = await (await second.CreateClient().GetAsync($"/api/v1/probes/{id}", TestContext.Current.CancellationToken)).JsonAsync();

        Assert.Equal("completed", probe.GetProperty("status").GetString());
        Assert.Equal(7, probe.GetProperty("runs")[0].GetProperty("steps").GetArrayLength());
    }

    [Fact]
    public async Task HubStoppedWithARunInFlight_RunEndsAsInterruptedNotRunning()
    {
        var data = Directory.CreateTempSubdirectory("hubtest-").FullName;
        var runner = new FakeRunner { Hold = true };
        string id;
        await using (var first = new HubFactory(runner, dataDirectory: data))
        {
            id = (await (await first.CreateClient().PostJsonAsync("/api/v1/probes", """{"to":["alice@corp.test"]}""")).JsonAsync()).GetProperty("id").GetString()!;
            await runner.Started.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }

        await using var second = new HubFactory(new FakeRunner(), dataDirectory: data);
        var probe = await (await second.CreateClient().GetAsync($"/api/v1/probes/{id}", TestContext.Current.CancellationToken)).JsonAsync();

        Assert.Equal("completed", probe.GetProperty("status").GetString());
        var run = probe.GetProperty("runs")[0];
        Assert.Equal("agentLost", run.GetProperty("status").GetString());
        Assert.Equal("hub.restarted", run.GetProperty("diagnosis").GetProperty("code").GetString());
    }

    [Fact]
    public async Task HubCrashedWithRunsInFlight_NextStartEndsThemAsInterrupted()
    {
        var data = Directory.CreateTempSubdirectory("hubtest-").FullName;
        var probeId = Guid.CreateVersion7();
        await using (var first = new HubFactory(new FakeRunner(), dataDirectory: data))
        {
            _ = first.CreateClient();
            // What a crash leaves behind: a probe running with one run running and one queued.
            var store = first.Services.GetRequiredService<IProbeStore>();
            var agent = new AgentRef("hub", "hub", new Dictionary<string, string>());
            await store.CreateAsync(new ProbeRecord
            {
                Id = probeId,
                CreatedAt = DateTimeOffset.UtcNow,
                Status = ProbeStatus.Running,
                Plan = new ProbePlan { To = ["a@corp.test"] },
                Runs =
                [
                    new RunRecord { Id = Guid.NewGuid(), ProbeId = probeId, Ordinal = 0, Agent = agent, Status = RunStatus.Queued },
                    new RunRecord { Id = Guid.NewGuid(), ProbeId = probeId, Ordinal = 1, Agent = agent, Status = RunStatus.Queued },
                ],
            }, TestContext.Current.CancellationToken);
            var started = (await store.GetAsync(probeId, TestContext.Current.CancellationToken))!.Runs[0].Id;
            await store.MarkRunStartedAsync(started, DateTimeOffset.UtcNow, TestContext.Current.CancellationToken);
        }

        await using var second = new HubFactory(new FakeRunner(), dataDirectory: data);
        var probe = await (await second.CreateClient().GetAsync($"/api/v1/probes/{probeId}", TestContext.Current.CancellationToken)).JsonAsync();

        Assert.Equal("completed", probe.GetProperty("status").GetString());
        Assert.All(probe.GetProperty("runs").EnumerateArray(), run =>
        {
            Assert.Equal("agentLost", run.GetProperty("status").GetString());
            Assert.Equal("hub.restarted", run.GetProperty("diagnosis").GetProperty("code").GetString());
        });
    }

    [Fact]
    [Trait("Storage", "SqliteOnly")] // Writes the SQLite file before the hub starts; StorageProviderTests refuse a newer schema on both providers.
    public async Task DatabaseFromANewerHub_IsRefusedAtStart()
    {
        var data = Directory.CreateTempSubdirectory("hubtest-").FullName;
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(data, "smtpprobehub.db")};Pooling=false"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE schema_version (Version INTEGER NOT NULL); INSERT INTO schema_version VALUES (999);";
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using var hub = new HubFactory(new FakeRunner(), dataDirectory: data);

        var error = Assert.ThrowsAny<Exception>(() => hub.CreateClient());
        Assert.Contains("newer", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migration_OnAnExistingDatabase_RunsNoScriptTwice()
    {
        var data = Directory.CreateTempSubdirectory("hubtest-").FullName;
        await using (var first = new HubFactory(new FakeRunner(), dataDirectory: data))
        {
            _ = first.CreateClient();
        }

        HubFactory second;
        await using (second = new HubFactory(new FakeRunner(), dataDirectory: data))
        {
            _ = second.CreateClient();
        }

        Assert.Equal(
            await second.DatabaseScalarAsync("SELECT MAX(Version) FROM schema_version;"),
            await second.DatabaseScalarAsync("SELECT COUNT(*) FROM schema_version;"));
    }

    [Fact]
    [Trait("Storage", "SqliteOnly")] // An upgrade from an old SQLite file (schema 2, no auto-vacuum); PostgreSQL began at the full schema.
    public async Task DatabaseFromBeforeRetention_IsSwitchedToIncrementalAutoVacuum_AndItsProbesStayReadableWithTheirBodysDigest()
    {
        var data = Directory.CreateTempSubdirectory("hubtest-").FullName;
        var id = Guid.CreateVersion7();
        var plan = JsonSerializer.Serialize(new ProbePlan { To = ["a@corp.test"], Message = new MessagePlan { Body = "an old body" } }, ProbeJson.Options);
        // What the hub before retention left: schema 2, no auto-vacuum, bodies stored whole without a digest.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(data, "smtpprobehub.db")};Pooling=false"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                PRAGMA journal_mode=WAL;
                CREATE TABLE schema_version (Version INTEGER NOT NULL);
                {SchemaScripts.Sqlite[0].Sql}
                {SchemaScripts.Sqlite[1].Sql}
                INSERT INTO schema_version VALUES (1), (2);
                INSERT INTO probes (Id, CreatedAtMs, Status, PlanJson) VALUES ('{id.ToString().ToUpperInvariant()}', 0, 'Completed', $plan);
                """;
            command.Parameters.AddWithValue("$plan", plan);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(0, await new DatabaseFile(data).AutoVacuumAsync());
        await using var hub = new HubFactory(new FakeRunner(), new() { ["Hub:Retention:MaxAgeDays"] = "0" }, data);
        var probe = await (await hub.CreateClient().GetAsync($"/api/v1/probes/{id}", TestContext.Current.CancellationToken)).JsonAsync();

        Assert.Equal(2, await new DatabaseFile(data).AutoVacuumAsync());
        var message = probe.GetProperty("message");
        Assert.Equal("an old body", message.GetProperty("body").GetString());
        Assert.False(message.GetProperty("bodyTruncated").GetBoolean());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("an old body"u8)), message.GetProperty("bodySha256").GetString());
    }
}
