using System.Globalization;
using System.Net;
using System.Net.ServerSentEvents;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Probes;

public sealed class ProbeEventsTests
{
    private static readonly string[] KbSteps = ["banner", "ehlo", "mail", "rcpt", "data", "message", "quit"];

    [Fact]
    public async Task Events_LateClient_GetsWhatHappenedThenLiveStepsThenEnd()
    {
        var runner = new FakeRunner { Hold = true };
        await using var hub = new HubFactory(runner);
        var client = hub.CreateClient();
        var id = (await (await client.PostJsonAsync("/api/v1/probes", """{"to":["alice@corp.test"]}""")).JsonAsync()).GetProperty("id").GetString();
        await runner.Started.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        using var response = await client.GetAsync($"/api/v1/probes/{id}/events", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        var events = new List<(string Type, System.Text.Json.JsonElement Data)>();
        while (events.Count(e => e.Type == "step") < 2 && await sse.NextAsync(TestContext.Current.CancellationToken) is { } replayed)
        {
            events.Add(replayed);
        }

        runner.Release();
        events.AddRange(await sse.ReadToEndAsync(TestContext.Current.CancellationToken));

        Assert.Equal(KbSteps, events.Where(e => e.Type == "step").Select(e => e.Data.GetProperty("step").GetProperty("name").GetString()));
        Assert.Equal(7, events.Count(e => e.Type == "transcript"));
        Assert.Equal(["queued", "running", "completed"], events.Where(e => e.Type == "run").Select(e => e.Data.GetProperty("status").GetString()));
        var end = events[^1];
        Assert.Equal("end", end.Type);
        Assert.Equal("completed", end.Data.GetProperty("status").GetString());
        Assert.Equal("passed", end.Data.GetProperty("runs")[0].GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Events_ProbeFromBeforeARestart_AreReplayedFromStorage()
    {
        string id;
        // Shared by both hubs and owned by neither: a hub that owns its directory deletes it when disposed.
        var dataDirectory = Directory.CreateTempSubdirectory("hubtest-restart-").FullName;
        await using (var first = new HubFactory(new FakeRunner(), dataDirectory: dataDirectory))
        {
            var created = await first.CreateClient().PostJsonAsync("/api/v1/probes?wait=10", """{"to":["alice@corp.test"]}""");
            id = (await created.JsonAsync()).GetProperty("id").GetString()!;
        }

        await using var second = new HubFactory(new FakeRunner(), dataDirectory: dataDirectory);
        using var response = await second.CreateClient().GetAsync($"/api/v1/probes/{id}/events", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        var events = await sse.ReadToEndAsync(TestContext.Current.CancellationToken);

        Assert.Equal(KbSteps, events.Where(e => e.Type == "step").Select(e => e.Data.GetProperty("step").GetProperty("name").GetString()));
        Assert.Equal("end", events[^1].Type);
        Assert.Equal(id, events[^1].Data.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Events_IdleStream_SendsHeartbeatComments()
    {
        var runner = new FakeRunner { Hold = true };
        await using var hub = new HubFactory(runner, new() { ["Hub:Events:HeartbeatSeconds"] = "0.2" });
        var client = hub.CreateClient();
        var id = (await (await client.PostJsonAsync("/api/v1/probes", """{"to":["alice@corp.test"]}""")).JsonAsync()).GetProperty("id").GetString();
        await runner.Started.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        using var response = await client.GetAsync($"/api/v1/probes/{id}/events", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        // The run is held until the idle stream has carried a heartbeat; then it ends and so does the stream.
        var heartbeatRelease = sse.FirstComment.ContinueWith(_ => runner.Release(), TaskScheduler.Default);
        var events = await sse.ReadToEndAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await heartbeatRelease;

        Assert.Contains(sse.Comments, c => c.StartsWith(": heartbeat", StringComparison.Ordinal));
        Assert.Equal("end", events[^1].Type);
    }

    [Fact]
    public async Task Events_WithLastEventId_ResumeAfterTheEventsAlreadySeen()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();
        var id = (await (await client.PostJsonAsync("/api/v1/probes?wait=10", """{"to":["alice@corp.test"]}""")).JsonAsync()).GetProperty("id").GetString();

        var all = await ReadAllAsync(client, id!, null);
        var resumed = await ReadAllAsync(client, id!, "5");

        Assert.Equal(all.Skip(5), resumed);
        Assert.Equal("end", resumed[^1][..3]);
    }

    [Fact]
    public async Task Events_EachCarryItsPositionAsId_TheIdLastEventIdResumesAfter()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();
        var id = (await (await client.PostJsonAsync("/api/v1/probes?wait=10", """{"to":["alice@corp.test"]}""")).JsonAsync()).GetProperty("id").GetString();

        using var response = await client.GetAsync($"/api/v1/probes/{id}/events", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var events = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken)).EnumerateAsync(TestContext.Current.CancellationToken))
        {
            events.Add(item);
        }

        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)), events.Select(e => e.EventId));
        Assert.Equal("end", events[^1].EventType);
    }

    private static async Task<List<string>> ReadAllAsync(HttpClient client, string id, string? lastEventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/probes/{id}/events");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        return [.. (await sse.ReadToEndAsync(TestContext.Current.CancellationToken)).Select(e => e.Type + " " + e.Data.GetRawText())];
    }

    [Fact]
    public async Task Events_UnknownProbe_Returns404Problem()
    {
        await using var hub = new HubFactory(new FakeRunner());

        var response = await hub.CreateClient().GetAsync($"/api/v1/probes/{Guid.NewGuid()}/events", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (await response.JsonAsync()).GetProperty("code").GetString());
    }
}
