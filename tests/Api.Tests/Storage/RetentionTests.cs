using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Api.Storage.Retention;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Storage;

/// <summary>Old probes go with their runs, in batches, and the space comes back; running and recent probes stay.</summary>
public sealed class RetentionTests
{
    private const string Request = """{"to":["alice@corp.test"]}""";
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ProbesOlderThanMaxAgeDays_AreDeletedWithTheirRuns_RecentOnesKept()
    {
        var clock = new FakeTimeProvider(Start);
        await using var hub = Hub(clock, new FakeRunner(), [("MaxAgeDays", "30"), ("MaxProbes", "0")]);
        var client = hub.CreateClient();
        var old = await CreateAsync(client);
        clock.Advance(TimeSpan.FromDays(20));
        var recent = await CreateAsync(client);
        clock.Advance(TimeSpan.FromDays(11));

        await SweepAsync(hub);

        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(client, old));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(client, recent));
        Assert.Equal(0, await RunsOfAsync(hub, old));
        Assert.Equal(1, await RunsOfAsync(hub, recent));
    }

    [Fact]
    public async Task RunningProbe_IsNotDeletedHoweverOld_ButIsOnceItHasEnded()
    {
        var clock = new FakeTimeProvider(Start);
        var runner = new FakeRunner { Hold = true };
        // 0.001 days is 86.4 s: old enough before the fake clock reaches the run's deadline (120 s + 15 s grace).
        await using var hub = Hub(clock, runner, [("MaxAgeDays", "0.001")]);
        var client = hub.CreateClient();
        var id = (await (await client.PostJsonAsync("/api/v1/probes", Request)).JsonAsync()).GetProperty("id").GetString()!;
        await runner.Started.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromSeconds(100));

        await SweepAsync(hub);

        var probe = await (await client.GetAsync($"/api/v1/probes/{id}", TestContext.Current.CancellationToken)).JsonAsync();
        Assert.Equal("running", probe.GetProperty("status").GetString());
        Assert.Equal(1, await RunsOfAsync(hub, id));

        runner.Release();
        Assert.Equal("completed", (await client.WaitForEndAsync(id)).GetProperty("status").GetString());
        await SweepAsync(hub);

        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(client, id));
    }

    [Fact]
    public async Task BeyondMaxProbes_TheOldestAreDeletedInBatches_AndTheNewestKept()
    {
        var clock = new FakeTimeProvider(Start);
        await using var hub = Hub(clock, new FakeRunner(), [("MaxAgeDays", "0"), ("MaxProbes", "3"), ("BatchSize", "1")]);
        var client = hub.CreateClient();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await CreateAsync(client));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        await SweepAsync(hub);

        Assert.Equal(
            [HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK],
            await Task.WhenAll(ids.Select(id => StatusOfAsync(client, id))));
        Assert.Equal(3, await hub.DatabaseScalarAsync("SELECT COUNT(*) FROM runs;"));
    }

    [Fact]
    [Trait("Storage", "SqliteOnly")] // Incremental auto-vacuum and the file's size: SQLite's; PostgreSQL's autovacuum reclaims on its own.
    public async Task Sweep_GivesTheFreedSpaceBackToTheFileSystem_AndSaysSoOnceInTheLogAndMetrics()
    {
        var clock = new FakeTimeProvider(Start);
        await using var hub = Hub(clock, new FakeRunner(), [("MaxAgeDays", "1")]);
        var client = hub.CreateClient();
        var database = new DatabaseFile(hub.DataDirectory);
        var body = JsonSerializer.Serialize(new { to = new[] { "alice@corp.test" }, message = new { body = new string('x', 60_000) } });
        for (var i = 0; i < 20; i++)
        {
            await CreateAsync(client, body);
        }

        var logical = await database.SizeBytesAsync();
        var onDisk = database.BytesOnDisk();
        clock.Advance(TimeSpan.FromDays(2));

        await SweepAsync(hub);

        Assert.Equal(2, await database.AutoVacuumAsync());
        Assert.Equal(0, await database.FreelistPagesAsync());
        Assert.True(await database.SizeBytesAsync() < logical - 1_000_000, $"logical size {logical:N0} → {await database.SizeBytesAsync():N0}");
        Assert.True(database.BytesOnDisk() < onDisk - 1_000_000, $"on disk {onDisk:N0} → {database.BytesOnDisk():N0}");
        var line = Assert.Single(hub.Logs.Lines, l => l.Contains("Retention: deleted", StringComparison.Ordinal));
        Assert.Contains("deleted 20 probe(s) with 20 run(s)", line, StringComparison.Ordinal);
        var metrics = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("""smtpprobehub_retention_deleted_total{table="probes"} 20""", metrics, StringComparison.Ordinal);
        Assert.Matches("""smtpprobehub_retention_reclaimed_bytes_total [1-9][0-9]{6}""", metrics);
    }

    [Fact]
    public async Task Sweeps_RunEverySweepIntervalMinutes_OnTheHubsClock()
    {
        var clock = new FakeTimeProvider(Start);
        await using var hub = Hub(clock, new FakeRunner(), [("MaxAgeDays", "0.01"), ("SweepIntervalMinutes", "60")]);
        var client = hub.CreateClient();
        // Old after 14.4 minutes, but the next sweep is at 60: a sweep any time from 14.4 to 59.4 minutes would take the
        // first probe without the second (old only after 59.4), so the one sweep at 60 taking both shows there was none before.
        var first = await CreateAsync(client);
        clock.Advance(TimeSpan.FromMinutes(45));
        var second = await CreateAsync(client);
        clock.Advance(TimeSpan.FromMinutes(14));

        clock.Advance(TimeSpan.FromMinutes(1));
        var line = await hub.Logs.WaitForLineAsync(l => l.Contains("Retention: deleted", StringComparison.Ordinal), 10);

        Assert.Contains("deleted 2 probe(s) with 2 run(s)", line, StringComparison.Ordinal);
        Assert.Single(hub.Logs.Lines, l => l.Contains("Retention: deleted", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(client, first));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(client, second));
    }

    [Theory]
    [InlineData("MaxAgeDays", "-1")]
    [InlineData("MaxProbes", "-5")]
    [InlineData("SweepIntervalMinutes", "0")]
    [InlineData("BatchSize", "0")]
    public void InvalidSetting_IsRefusedAtStart_NamingIt(string setting, string value)
    {
        // The storage services alone and the validator the host runs at start: a WebApplicationFactory whose hub fails
        // to start now and then reports its own ObjectDisposedException instead of the hub's error (its deferred host
        // races the provider the failed start disposes), which would make this test flaky for a reason not the hub's.
        var data = Directory.CreateTempSubdirectory("hubtest-").FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hub:DataDirectory"] = data,
            [$"{RetentionOptions.Section}:{setting}"] = value,
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration)
            .AddStorageServices(configuration, new HostingEnvironment { ContentRootPath = data });
        using var provider = services.BuildServiceProvider();

        var error = Assert.ThrowsAny<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains($"Hub:Retention:{setting}", error.Message, StringComparison.Ordinal);
        Directory.Delete(data, recursive: true);
    }

    /// <summary>The hub on <paramref name="clock"/> with these Hub:Retention settings.</summary>
    private static HubFactory Hub(FakeTimeProvider clock, FakeRunner runner, (string Name, string Value)[] retention) =>
        new(runner, retention.ToDictionary(s => $"{RetentionOptions.Section}:{s.Name}", s => (string?)s.Value))
        {
            ExtraServices = services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(clock);
            },
        };

    private static Task SweepAsync(HubFactory hub) =>
        hub.Services.GetRequiredService<RetentionService>().SweepAsync(TestContext.Current.CancellationToken);

    private static async Task<string> CreateAsync(HttpClient client, string request = Request)
    {
        var response = await client.PostJsonAsync("/api/v1/probes?wait=10", request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("id").GetString()!;
    }

    private static async Task<HttpStatusCode> StatusOfAsync(HttpClient client, string id) =>
        (await client.GetAsync($"/api/v1/probes/{id}", TestContext.Current.CancellationToken)).StatusCode;

    private static Task<long> RunsOfAsync(HubFactory hub, string probeId) =>
        hub.DatabaseScalarAsync($"SELECT COUNT(*) FROM runs WHERE ProbeId = '{probeId.ToUpperInvariant()}';");
}
