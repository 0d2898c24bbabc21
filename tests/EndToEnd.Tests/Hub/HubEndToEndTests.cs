using System.Net;
using System.Text.Json;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Postfix;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.EndToEnd.Tests.Hub;

/// <summary>The built hub as a real process, its built-in agent probing a real private Postfix.</summary>
public sealed class HubEndToEndTests(PostfixInstance postfix) : IClassFixture<PostfixInstance>
{
    private static readonly string[] KbSteps = ["banner", "ehlo", "mail", "rcpt", "data", "message", "quit"];

    private string KbRequest(string extra = "") =>
        $$"""{"server":"{{postfix.Host}}","port":{{postfix.Port}},"from":"admin@test.com","to":["{{postfix.KnownRecipient}}"]{{extra}}}""";

    [Fact]
    public async Task KbSequence_AgainstRealPostfix_Answers200Passed_WithTheKbReplyCodes()
    {
        await using var hub = await HubProcess.StartAsync();

        // tls=none: the KB's plain sequence (with STARTTLS the dialog has extra steps, tested in the engine's tests).
        var response = await hub.Client.PostProbeAsync(KbRequest(",\"tls\":\"none\""), wait: 30);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var probe = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("completed", probe.GetProperty("status").GetString());
        var run = Assert.Single(probe.GetProperty("runs").EnumerateArray());
        Assert.Equal("hub", run.GetProperty("agent").GetProperty("name").GetString());
        Assert.Equal("passed", run.GetProperty("verdict").GetString());
        var steps = run.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["resolve", "connect", .. KbSteps], steps.Select(s => s.GetProperty("name").GetString()));
        var kb = steps.Skip(2).ToList();
        Assert.Equal([220, 250, 250, 250, 354, 250, 221], kb.Select(s => s.GetProperty("reply").GetProperty("code").GetInt32()));
        Assert.Contains(run.GetProperty("transcript").EnumerateArray(), t => t.GetProperty("text").GetString()!.Contains(postfix.BannerMarker, StringComparison.Ordinal));
        Assert.False(string.IsNullOrEmpty(run.GetProperty("queueId").GetString()));
    }

    [Fact]
    public async Task Events_OverSse_ShowEachStepAsItHappensThenTheEnd()
    {
        await using var hub = await HubProcess.StartAsync();
        var accepted = await hub.Client.PostProbeAsync(KbRequest());
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var location = accepted.Headers.Location!.OriginalString;

        using var response = await hub.Http.GetAsync(location + "/events", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        var events = new List<(string Type, JsonElement Data)>();
        string? type = null;
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((type!, JsonDocument.Parse(line[6..]).RootElement.Clone()));
            }
        }

        // Opportunistic TLS (the default): STARTTLS and a second EHLO come between; the KB steps keep their order.
        var steps = events.Where(e => e.Type == "step").Select(e => e.Data.GetProperty("step").GetProperty("name").GetString()!).ToList();
        Assert.Contains("starttls", steps);
        Assert.Equal(KbSteps, steps.Where(KbSteps.Contains).Distinct());
        Assert.Contains(events, e => e.Type == "transcript" && e.Data.GetProperty("entry").GetProperty("direction").GetString() == "sent");
        Assert.Equal("end", events[^1].Type);
        Assert.Equal("passed", events[^1].Data.GetProperty("runs")[0].GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Restart_StoredProbeSurvives_AndARunInFlightAtTheCrashEndsAsInterrupted()
    {
        // A server that accepts the connection and never greets: the run stays in flight until the crash.
        await using var silent = ScriptedSmtpServer.Start(s => s.Banner = ScriptedReply.Never());
        await using var hub = await HubProcess.StartAsync();
        var done = await hub.Client.PostProbeAsync(KbRequest(), wait: 30);
        var doneId = JsonDocument.Parse(await done.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("id").GetString();
        var hanging = await hub.Client.PostProbeAsync($$$"""{"server":"127.0.0.1","port":{{{silent.Port}}},"to":["alice@corp.test"],"timeouts":{"bannerSeconds":300,"totalSeconds":600}}""");
        var hangingId = JsonDocument.Parse(await hanging.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("id").GetString();
        await hub.Client.WaitForProbeAsync(hangingId!, p => HubClient.RunStatuses(p).Single() == "running");

        await hub.KillAsync();
        await hub.StartAgainAsync();

        var survived = await hub.Client.GetJsonAsync($"/api/v1/probes/{doneId}");
        Assert.Equal("passed", survived.GetProperty("runs")[0].GetProperty("verdict").GetString());
        var interrupted = await hub.Client.GetJsonAsync($"/api/v1/probes/{hangingId}");
        Assert.Equal("completed", interrupted.GetProperty("status").GetString());
        Assert.Equal("agentLost", interrupted.GetProperty("runs")[0].GetProperty("status").GetString());
        Assert.Equal("hub.restarted", interrupted.GetProperty("runs")[0].GetProperty("diagnosis").GetProperty("code").GetString());
        Assert.Contains(hub.Output, l => l.Contains("in flight when the hub last stopped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CrLfInjection_Answers400_AndNoConnectionReachesPostfix()
    {
        await using var hub = await HubProcess.StartAsync();
        var connectsBefore = postfix.Log.ReadLines().Count(l => l.Contains(": connect from", StringComparison.Ordinal));

        var response = await hub.Client.PostProbeAsync($$"""{"server":"{{postfix.Host}}","port":{{postfix.Port}},"from":"a@b.c\r\nRCPT TO:<x@y.z>","to":["alice@corp.test"]}""", wait: 10);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty("from", out _));
        Assert.Equal(0, (await hub.Client.GetJsonAsync("/api/v1/probes")).GetProperty("total").GetInt32());
        // A valid probe afterwards, with a HELO of its own: once Postfix has logged its whole session (its log is written
        // in order), Postfix has logged every connection before it, and there is exactly one more than before: its own.
        var helo = $"crlf-{Guid.NewGuid():N}.test";
        var valid = await hub.Client.PostProbeAsync(KbRequest($",\"tls\":\"none\",\"helo\":\"{helo}\""), wait: 30);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        await postfix.Log.WaitForSessionAsync(helo, TimeSpan.FromSeconds(15));
        Assert.Equal(connectsBefore + 1, postfix.Log.ReadLines().Count(l => l.Contains(": connect from", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task StartedFromAnotherDirectory_KeepsItsShippedDefaults()
    {
        var elsewhere = Directory.CreateTempSubdirectory("e2e-hub-cwd-").FullName;
        await using var hub = await HubProcess.StartAsync(new HubProcessOptions { WorkingDirectory = elsewhere });

        var response = await hub.Client.PostProbeAsync(KbRequest(",\"tls\":\"none\""), wait: 30);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // appsettings.json beside the binary sets ASP.NET Core to Warning; without it every request would be logged at Information.
        Assert.DoesNotContain("Microsoft.AspNetCore.Hosting.Diagnostics", hub.Text);
        Assert.False(File.Exists(Path.Combine(elsewhere, "appsettings.json")));
        // The results page is embedded in the hub: served whatever the working directory.
        var page = await hub.Http.GetAsync("/ui/js/app.js", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Startup_SaysWhereTheResultsPageAndSwaggerUiAre_AndThatWithoutKeysOnlyLoopbackIsServed()
    {
        await using var hub = await HubProcess.StartAsync();

        Assert.Contains(hub.Output, l => l.Contains($"Swagger UI: http://localhost:{hub.RestPort}/swagger", StringComparison.Ordinal));
        Assert.Contains(hub.Output, l => l.Contains($"Results page: http://localhost:{hub.RestPort}/", StringComparison.Ordinal));
        Assert.Contains(hub.Output, l => l.Contains("serving loopback clients only", StringComparison.Ordinal));
        var ui = await hub.Http.GetAsync("/swagger/index.html", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        var page = await hub.Http.GetAsync("/", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.True(File.Exists(Path.Combine(hub.DataDirectory, "smtpprobehub.db")));
    }
    [Fact]
    public async Task Startup_OfAConfiguredHub_LogsNoWarning_AndNamesItsPorts()
    {
        // Keys and an agent token: the hub's own start-up warnings (no key, no token) have nothing to say. Whatever is
        // left would be the framework's, like Kestrel's "Overriding address(es)" when endpoints are bound by hand.
        await using var hub = await HubProcess.StartAsync("--Hub:ApiKeys:0=e2e-api-key-0123456789", "--Hub:EnrollmentTokens:e2e=e2e-agent-token-0123456789");

        Assert.DoesNotContain(hub.Output, l => l.StartsWith("warn", StringComparison.Ordinal) || l.StartsWith("fail", StringComparison.Ordinal));
        Assert.DoesNotContain(hub.Output, l => l.Contains("Overriding", StringComparison.Ordinal));
        Assert.NotEqual(hub.RestPort, hub.GrpcPort);
    }

    [Fact]
    public async Task Startup_WithAnEmptyAgentsUrl_BindsNoAgentEndpoint()
    {
        await using var hub = await HubProcess.StartAsync(new HubProcessOptions { AgentEndpoint = false });

        Assert.Contains(hub.Output, l => l.Contains("Remote agents off", StringComparison.Ordinal));
        Assert.Null(HubBanner.GrpcPort(hub.Output));
        Assert.DoesNotContain(hub.Output, l => l.Contains("Overriding", StringComparison.Ordinal));
    }
}
