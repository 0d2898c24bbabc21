using System.Net;
using System.Text.Json;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Processes;
using SmtpProbeHub.TestSupport.Scripted;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.EndToEnd.Tests.Faults;

/// <summary>
/// Storage faults on a real file system with the built hub as a process: a full disk, a read-only directory, the
/// database deleted under the running hub, and a crash with many runs in flight. The hub must be loud about each,
/// refuse what it cannot record before connecting anywhere, and never leave a run running.
/// </summary>
public sealed class StorageFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    private static string Probe(ScriptedSmtpServer server, string body = "test") =>
        $$$"""{"server":"127.0.0.1","port":{{{server.Port}}},"tls":"none","to":["alice@corp.test"],"message":{"body":"{{{body}}}"}}""";

    [Fact]
    public async Task ReadOnlyDataDirectory_AtStart_ExitsWithCode2_AndOneLineNamingThePath()
    {
        await using var disk = await SmallDisk.MountAsync("ro,size=1m");
        var data = Path.Combine(disk.Path, "data");

        await using var hub = ChildProcess.Start("hub", BuiltApps.Hub, ["--urls", "http://127.0.0.1:0", $"--Hub:DataDirectory={data}", "--Hub:Grpc:Url=http://127.0.0.1:0"]);

        Assert.Equal(2, await hub.ExitCodeAsync());
        var line = Assert.Single(hub.Output, l => l.Contains(data, StringComparison.Ordinal));
        Assert.Contains("Read-only file system", line);
        Assert.DoesNotContain(hub.Output, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DiskFull_ProbesAreRefusedWith503BeforeAnyConnection_ReadinessSaysSo_AndNothingStaysRunningOnceThereIsRoom()
    {
        await using var disk = await SmallDisk.MountAsync("size=2m");
        await using var server = ScriptedSmtpServer.Start();
        // A 2 MB disk: the default reserve (32 MB) would refuse the first probe; a smaller one lets a few in first.
        await using var hub = await HubProcess.StartAsync(new HubProcessOptions { DataDirectory = disk.Path, Arguments = ["--Hub:Storage:MinFreeMegabytes=0.5"] });
        var body = new string('x', 200) + string.Concat(Enumerable.Repeat("\\n" + new string('y', 900), 300));

        var accepted = new List<string>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 60 && refused is null; i++)
        {
            var response = await hub.Client.PostProbeAsync(Probe(server, body), wait: 30);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable,
                $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                refused = response;
            }
            else
            {
                accepted.Add((await JsonAsync(response)).GetProperty("id").GetString()!);
            }
        }

        Assert.NotNull(refused);
        var problem = await JsonAsync(refused);
        Assert.Equal("storage_unavailable", problem.GetProperty("code").GetString());
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.False(problem.TryGetProperty("id", out _));
        // Every SMTP connection belongs to a probe that was recorded.
        Assert.True(server.ConnectionCount <= accepted.Count, $"{server.ConnectionCount} connections for {accepted.Count} recorded probes");
        // A big write no longer fits; small ones still might. Fill the last bytes too, as a disk that is full is.
        var filler = Path.Combine(disk.Path, "filler");
        try
        {
            await using var fill = File.OpenWrite(filler);
            var chunk = new byte[16 * 1024];
            while (true)
            {
                await fill.WriteAsync(chunk, Ct);
                await fill.FlushAsync(Ct);
            }
        }
        catch (IOException)
        {
        }

        // The free space is looked at once a second at most.
        await Eventually.TrueAsync(async () => (await hub.Http.GetAsync("/health/ready", Ct)).StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10), explain: () => "not ready while full");
        var again = await hub.Client.PostProbeAsync(Probe(server), wait: 30);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, again.StatusCode);

        File.Delete(filler);
        await disk.RemountAsync("size=64m");

        await Eventually.TrueAsync(async () => (await hub.Http.GetAsync("/health/ready", Ct)).IsSuccessStatusCode, TimeSpan.FromSeconds(30), explain: () => "ready again");
        foreach (var id in accepted)
        {
            await hub.Client.WaitForProbeAsync(id, p => p.GetProperty("status").GetString() == "completed", TimeSpan.FromSeconds(60));
        }

        var metrics = await hub.Http.GetStringAsync("/metrics", Ct);
        Assert.DoesNotContain("status=\"canceled\"", metrics);
        Assert.Contains("smtpprobehub_runs_in_flight 0", metrics);
        Assert.Equal(HttpStatusCode.OK, (await hub.Client.PostProbeAsync(Probe(server), wait: 30)).StatusCode);
    }

    [Fact]
    public async Task DatabaseDeletedUnderTheRunningHub_IsNoticed_ProbesAreRefusedWith503_AndReadinessFails()
    {
        await using var server = ScriptedSmtpServer.Start();
        await using var hub = await HubProcess.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await hub.Client.PostProbeAsync(Probe(server), wait: 30)).StatusCode);
        var connections = server.ConnectionCount;

        foreach (var file in Directory.GetFiles(hub.DataDirectory, "smtpprobehub.db*"))
        {
            File.Delete(file);
        }

        var ready = await hub.Http.GetAsync("/health/ready", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var refused = await hub.Client.PostProbeAsync(Probe(server), wait: 30);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("deleted", (await JsonAsync(refused)).GetProperty("detail").GetString());
        Assert.Equal(connections, server.ConnectionCount);
        Assert.Contains(hub.Output, l => l.Contains("was deleted", StringComparison.Ordinal) && l.Contains("Restart the hub", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HubKilledWith50RunsInFlight_EveryRunEndsOnceAfterTheRestart_NoneStaysRunning()
    {
        await using var silent = ScriptedSmtpServer.Start(s => s.Banner = ScriptedReply.Never());
        await using var hub = await HubProcess.StartAsync();
        var ids = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            var response = await hub.Client.PostProbeAsync($$$"""{"server":"127.0.0.1","port":{{{silent.Port}}},"to":["alice@corp.test"],"timeouts":{"bannerSeconds":300,"totalSeconds":600}}""");
            ids.Add((await JsonAsync(response)).GetProperty("id").GetString()!);
        }

        await Eventually.TrueAsync(() => Task.FromResult(silent.ConnectionCount == 50), TimeSpan.FromSeconds(60), explain: () => "50 dialogs open");
        await hub.KillAsync();
        await hub.StartAgainAsync();

        var page = await hub.Client.GetJsonAsync("/api/v1/probes?pageSize=100");
        Assert.Equal(50, page.GetProperty("total").GetInt32());
        foreach (var probe in page.GetProperty("items").EnumerateArray())
        {
            Assert.Equal("completed", probe.GetProperty("status").GetString());
            var run = Assert.Single(probe.GetProperty("runs").EnumerateArray());
            Assert.Equal("agentLost", run.GetProperty("status").GetString());
            Assert.Equal("hub.restarted", run.GetProperty("diagnosis").GetProperty("code").GetString());
        }

        Assert.Contains(hub.Output, l => l.Contains("50 run(s) were in flight", StringComparison.Ordinal));
    }
}
