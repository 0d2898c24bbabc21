using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using SmtpProbeHub.Api.Monitors.Scheduling;
using SmtpProbeHub.Api.Tests.Support;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.Api.Tests.Monitors;

/// <summary>The scheduler on a fake clock: time is the subject, so the test moves it and runs the scheduler's polls itself.</summary>
public sealed class MonitorSchedulerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private const string EveryMinute = """{"name":"corp-mx","probe":{"server":"127.0.0.1","to":["alice@corp.test"]},"schedule":{"every":"1m","jitterSeconds":0}}""";

    [Fact]
    public async Task DueSlot_IsFiredOnce_HoweverManyPollsRaceForIt_AndTheSeriesShowTheRun()
    {
        var clock = new FakeTimeProvider(T0);
        await using var hub = Hub(clock, new FakeRunner());
        var client = hub.CreateClient();
        var id = await CreateAsync(client, EveryMinute);
        var scheduler = hub.Services.GetRequiredService<MonitorScheduler>();
        Assert.Equal(0, await scheduler.TickAsync(TestContext.Current.CancellationToken));

        clock.Advance(TimeSpan.FromMinutes(1));
        var fired = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => scheduler.TickAsync(TestContext.Current.CancellationToken)));

        var monitor = await EvaluatedAsync(client, id, probes: 1);
        Assert.InRange(fired.Sum(), 0, 1);
        Assert.Equal(1, await ProbeCountAsync(client, id));
        Assert.Equal(T0.AddMinutes(2), monitor.GetProperty("nextRunAt").GetDateTimeOffset());
        Assert.Equal(T0.AddMinutes(1), monitor.GetProperty("lastSlotAt").GetDateTimeOffset());
        var vantage = monitor.GetProperty("vantagePoints")[0];
        Assert.Equal(("hub", "ok"), (vantage.GetProperty("agentName").GetString(), vantage.GetProperty("state").GetString()));
        var metrics = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("""smtpprobehub_monitor_success{monitor="corp-mx",agent="hub",zone="hub"} 1""", metrics, StringComparison.Ordinal);
        Assert.Contains("""smtpprobehub_monitor_step_duration_seconds{monitor="corp-mx",agent="hub",zone="hub",step="mail"}""", metrics, StringComparison.Ordinal);
        Assert.Contains("""smtpprobehub_monitor_consecutive_failures{monitor="corp-mx",agent="hub",zone="hub"} 0""", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterDowntime_ItRunsOnce_AndContinuesFromNow()
    {
        var clock = new FakeTimeProvider(T0);
        await using var hub = Hub(clock, new FakeRunner());
        var client = hub.CreateClient();
        var id = await CreateAsync(client, EveryMinute);
        var scheduler = hub.Services.GetRequiredService<MonitorScheduler>();

        clock.Advance(TimeSpan.FromMinutes(10).Add(TimeSpan.FromSeconds(5)));
        for (var i = 0; i < 3; i++)
        {
            await scheduler.TickAsync(TestContext.Current.CancellationToken);
        }

        var monitor = await EvaluatedAsync(client, id, probes: 1);
        Assert.Equal(1, await ProbeCountAsync(client, id));
        Assert.Equal(T0.AddMinutes(11), monitor.GetProperty("nextRunAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Paused_RunsNothing_AndResumeStartsAtTheNextSlotFromNow()
    {
        var clock = new FakeTimeProvider(T0);
        var runner = new FakeRunner();
        await using var hub = Hub(clock, runner);
        var client = hub.CreateClient();
        var id = await CreateAsync(client, EveryMinute.Replace("\"schedule\"", "\"paused\":true,\"schedule\"", StringComparison.Ordinal));
        var scheduler = hub.Services.GetRequiredService<MonitorScheduler>();

        clock.Advance(TimeSpan.FromMinutes(5));
        await scheduler.TickAsync(TestContext.Current.CancellationToken);
        var resumed = await (await client.PostAsync($"/api/v1/monitors/{id}/resume", null, TestContext.Current.CancellationToken)).JsonAsync();

        Assert.Equal(0, await ProbeCountAsync(client, id));
        Assert.Equal(0, runner.Calls);
        Assert.Equal(T0.AddMinutes(6), resumed.GetProperty("nextRunAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task PreviousProbeStillRunning_TheSlotIsSkippedAndRecorded()
    {
        var clock = new FakeTimeProvider(T0);
        var runner = new FakeRunner { Hold = true };
        await using var hub = Hub(clock, runner);
        var client = hub.CreateClient();
        var id = await CreateAsync(client, EveryMinute);
        var scheduler = hub.Services.GetRequiredService<MonitorScheduler>();

        clock.Advance(TimeSpan.FromMinutes(1));
        await scheduler.TickAsync(TestContext.Current.CancellationToken);
        await runner.Started.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(async () => await ProbeCountAsync(client, id) == 1);
        clock.Advance(TimeSpan.FromMinutes(1));
        await scheduler.TickAsync(TestContext.Current.CancellationToken);

        var monitor = await GetAsync(client, id);
        Assert.Equal(1, monitor.GetProperty("skippedSlots").GetInt64());
        Assert.Equal(T0.AddMinutes(2), monitor.GetProperty("lastSkippedAt").GetDateTimeOffset());
        Assert.Equal(1, await ProbeCountAsync(client, id));
        runner.Release();
    }

    [Fact]
    public async Task HubRestart_DoesNotFireTheClaimedSlotAgain_NorEveryMissedSlot()
    {
        var clock = new FakeTimeProvider(T0);
        var runner = new FakeRunner();
        var data = Directory.CreateTempSubdirectory("monitor-restart-").FullName;
        try
        {
            string id;
            await using (var first = Hub(clock, runner, data))
            {
                id = await CreateAsync(first.CreateClient(), EveryMinute);
                clock.Advance(TimeSpan.FromMinutes(1));
                await first.Services.GetRequiredService<MonitorScheduler>().TickAsync(TestContext.Current.CancellationToken);
                await EvaluatedAsync(first.CreateClient(), id, probes: 1);
            }

            await using var second = Hub(clock, runner, data);
            var client = second.CreateClient();
            var scheduler = second.Services.GetRequiredService<MonitorScheduler>();
            await scheduler.TickAsync(TestContext.Current.CancellationToken);
            Assert.Equal(1, await ProbeCountAsync(client, id));

            // An hour down: one run when back, not sixty.
            clock.Advance(TimeSpan.FromHours(1));
            await scheduler.TickAsync(TestContext.Current.CancellationToken);
            await scheduler.TickAsync(TestContext.Current.CancellationToken);
            var monitor = await EvaluatedAsync(client, id, probes: 2);

            Assert.Equal(2, await ProbeCountAsync(client, id));
            Assert.Equal(T0.AddMinutes(62), monitor.GetProperty("nextRunAt").GetDateTimeOffset());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task TwoHubsOnOneDatabase_FireEachSlotOnce()
    {
        var clock = new FakeTimeProvider(T0);
        var data = Directory.CreateTempSubdirectory("monitor-shared-").FullName;
        try
        {
            await using var a = Hub(clock, new FakeRunner(), data);
            var client = a.CreateClient();
            var id = await CreateAsync(client, EveryMinute);
            await using var b = Hub(clock, new FakeRunner(), data);
            _ = b.CreateClient();
            var schedulers = new[] { a, b }.Select(h => h.Services.GetRequiredService<MonitorScheduler>()).ToList();

            for (var slot = 1; slot <= 3; slot++)
            {
                clock.Advance(TimeSpan.FromMinutes(1));
                await Task.WhenAll(schedulers.SelectMany(s => Enumerable.Range(0, 4).Select(_ => s.TickAsync(TestContext.Current.CancellationToken))));
                await EvaluatedAsync(client, id, probes: slot);
            }

            Assert.Equal(3, await ProbeCountAsync(client, id));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static HubFactory Hub(FakeTimeProvider clock, FakeRunner runner, string? dataDirectory = null) =>
        new(runner, dataDirectory: dataDirectory)
        {
            ExtraServices = services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(clock);
            },
        };

    internal static async Task<string> CreateAsync(HttpClient client, string json)
    {
        var response = await client.PostJsonAsync("/api/v1/monitors", json);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return (await response.JsonAsync()).GetProperty("id").GetString()!;
    }

    internal static async Task<JsonElement> GetAsync(HttpClient client, string id) =>
        await (await client.GetAsync($"/api/v1/monitors/{id}", TestContext.Current.CancellationToken)).JsonAsync();

    internal static async Task<int> ProbeCountAsync(HttpClient client, string id) =>
        (await (await client.GetAsync($"/api/v1/probes?monitor={id}", TestContext.Current.CancellationToken)).JsonAsync()).GetProperty("total").GetInt32();

    /// <summary>The monitor once the evaluation of its <paramref name="probes"/>-th probe is stored (its vantage point names that probe).</summary>
    internal static Task<JsonElement> EvaluatedAsync(HttpClient client, string id, int probes) =>
        Eventually.ReadAsync(() => GetAsync(client, id), m =>
            m.GetProperty("lastProbeId").ValueKind == JsonValueKind.String
            && m.GetProperty("vantagePoints").GetArrayLength() > 0
            && m.GetProperty("vantagePoints")[0].GetProperty("lastProbeId").GetString() == m.GetProperty("lastProbeId").GetString()
            && ProbeCountAsync(client, id).GetAwaiter().GetResult() == probes);
}
