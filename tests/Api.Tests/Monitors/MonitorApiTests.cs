using System.Net;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Monitors;

public sealed class MonitorApiTests
{
    private const string Secret = "s3cret-signing-key-0123";
    private const string Kb = """{"server":"127.0.0.1","from":"admin@test.com","to":["alice@corp.test"]}""";

    private static string Monitor(string name = "corp-mx", string probe = Kb, string schedule = """{"every":"1h"}""", string webhooks = "[]", string extra = "") =>
        $$"""{"name":"{{name}}","probe":{{probe}},"schedule":{{schedule}},"notify":{"webhooks":{{webhooks}}}{{extra}}}""";

    [Fact]
    public async Task Create_Returns201WithLocation_DefaultsApplied_AndNeverTheSecret()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();

        var response = await client.PostJsonAsync("/api/v1/monitors", Monitor(webhooks: $$"""[{"url":"http://127.0.0.1/hook","secret":"{{Secret}}"}]"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        var body = await response.JsonAsync();
        var id = body.GetProperty("id").GetString();
        Assert.Equal($"/api/v1/monitors/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(2, body.GetProperty("alerts").GetProperty("failuresToAlert").GetInt32());
        Assert.Equal(1, body.GetProperty("alerts").GetProperty("passesToRecover").GetInt32());
        Assert.True(body.GetProperty("webhooks")[0].GetProperty("secretSet").GetBoolean());
        Assert.Equal($"/api/v1/probes?monitor={id}", body.GetProperty("probesUrl").GetString());
        Assert.True(body.GetProperty("nextRunAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddSeconds(-1));
        var read = await client.GetStringAsync($"/api/v1/monitors/{id}", TestContext.Current.CancellationToken);
        Assert.DoesNotContain(Secret, read, StringComparison.Ordinal);
        Assert.DoesNotContain(hub.Logs.GetSnapshot(), r => r.Message.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProbeTemplate_IsValidatedByTheProbeValidator_FieldsPrefixedWithProbe()
    {
        await using var hub = new HubFactory(new FakeRunner());

        var response = await hub.CreateClient().PostJsonAsync("/api/v1/monitors", Monitor(probe: """{"port":0,"to":[]}"""));

        var problem = await response.IsProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("probe.port", fields);
        Assert.Contains("probe.to", fields);
    }

    [Theory]
    [InlineData("""{"name":"","schedule":{"every":"1m"}}""", "name")]
    [InlineData("""{"name":"x","schedule":{"every":"1m"}}""", "probe")]
    [InlineData("""{"name":"x","probe":{"to":["a@corp.test"]}}""", "schedule")]
    [InlineData("""{"name":"x","probe":{"to":["a@corp.test"]},"schedule":{"cron":"nope"}}""", "schedule.cron")]
    [InlineData("""{"name":"x","probe":{"to":["a@corp.test"],"auth":{"username":"u","password":"p"}},"schedule":{"every":"1m"}}""", "probe.auth")]
    [InlineData("""{"name":"x","probe":{"to":["a@corp.test"]},"schedule":{"every":"1m"},"alerts":{"failuresToAlert":0}}""", "alerts.failuresToAlert")]
    [InlineData("""{"name":"x","probe":{"to":["a@corp.test"]},"schedule":{"every":"1m"},"notify":{"webhooks":[{"url":"ftp://x/","secret":"0123456789abcdef"}]}}""", "notify.webhooks[0].url")]
    [InlineData("""{"name":"x","probe":{"to":["a@corp.test"]},"schedule":{"every":"1m"},"notify":{"webhooks":[{"url":"https://u:p@x/","secret":"0123456789abcdef"}]}}""", "notify.webhooks[0].url")]
    [InlineData("""{"name":"x","probe":{"to":["a@corp.test"]},"schedule":{"every":"1m"},"notify":{"webhooks":[{"url":"https://x/"}]}}""", "notify.webhooks[0].secret")]
    public async Task BadInput_Is400NamingTheField(string json, string field)
    {
        await using var hub = new HubFactory(new FakeRunner());

        var response = await hub.CreateClient().PostJsonAsync("/api/v1/monitors", json);

        var problem = await response.IsProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://10.0.0.1/hook")]
    [InlineData("http://[::ffff:169.254.169.254]/hook")]
    public async Task WebhookOutsideTheTargetPolicy_Is422AndNothingIsSaved(string url)
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();

        var response = await client.PostJsonAsync("/api/v1/monitors", Monitor(webhooks: $$"""[{"url":"{{url}}","secret":"{{Secret}}"}]"""));

        var problem = await response.IsProblemAsync(HttpStatusCode.UnprocessableEntity, "target_not_allowed");
        Assert.Equal("notify.webhooks[0].url", problem.GetProperty("field").GetString());
        Assert.Equal(0, (await (await client.GetAsync("/api/v1/monitors", TestContext.Current.CancellationToken)).JsonAsync()).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task WebhookPort_IsHeldToTheWebhookPorts()
    {
        await using var hub = new HubFactory(new FakeRunner(), new() { ["Hub:Targets:AllowedNetworks:0"] = "192.0.2.0/24" });
        const string probe = """{"server":"192.0.2.25","to":["alice@corp.test"]}""";

        var refused = await hub.CreateClient().PostJsonAsync("/api/v1/monitors", Monitor(probe: probe, webhooks: $$"""[{"url":"http://192.0.2.7:25/hook","secret":"{{Secret}}"}]"""));
        var allowed = await hub.CreateClient().PostJsonAsync("/api/v1/monitors", Monitor(name: "other", probe: probe, webhooks: $$"""[{"url":"https://192.0.2.7/hook","secret":"{{Secret}}"}]"""));

        await refused.IsProblemAsync(HttpStatusCode.UnprocessableEntity, "target_not_allowed");
        Assert.True(allowed.StatusCode == HttpStatusCode.Created, await allowed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ProbeTemplateOutsideTheTargetPolicy_Is422()
    {
        await using var hub = new HubFactory(new FakeRunner(), new() { ["Hub:Targets:AllowedPorts:0"] = "25" });

        var response = await hub.CreateClient().PostJsonAsync("/api/v1/monitors", Monitor(probe: """{"server":"192.0.2.25","port":26,"to":["a@corp.test"]}"""));

        await response.IsProblemAsync(HttpStatusCode.UnprocessableEntity, "target_not_allowed");
    }

    [Fact]
    public async Task DuplicateName_Is409()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();
        await client.PostJsonAsync("/api/v1/monitors", Monitor());

        var response = await client.PostJsonAsync("/api/v1/monitors", Monitor());

        await response.IsProblemAsync(HttpStatusCode.Conflict, "monitor_name_taken");
    }

    [Theory]
    [InlineData("""{"every":"30s"}""")]
    [InlineData("""{"cron":"*/10 * * * * *"}""")]
    public async Task ScheduleCloserThanTheHubsMinimumInterval_Is400AndNothingIsSaved(string schedule)
    {
        // One API key's monitors keep probing after its requests: the minimum interval bounds what they can send.
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();

        var response = await client.PostJsonAsync("/api/v1/monitors", Monitor(schedule: schedule));

        await response.IsProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("Hub:Monitors:MinIntervalSeconds", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(0, (await (await client.GetAsync("/api/v1/monitors", TestContext.Current.CancellationToken)).JsonAsync()).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ConfirmingTemplate_OnAHubWithoutAReceiver_Is400AndNothingIsSaved()
    {
        // As POST /probes: every run of such a template could only end noReport.
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();

        var response = await client.PostJsonAsync("/api/v1/monitors",
            Monitor(probe: """{"server":"127.0.0.1","from":"admin@test.com","to":["alice@corp.test"],"dsn":{"confirm":true}}"""));

        await response.IsProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var problem = await response.JsonAsync();
        Assert.Contains("Hub:Returns:Domain", problem.GetProperty("errors").GetProperty("probe.dsn.confirm")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await (await client.GetAsync("/api/v1/monitors", TestContext.Current.CancellationToken)).JsonAsync()).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task BeyondMaxMonitors_Is409AndTheOthersStay()
    {
        await using var hub = new HubFactory(new FakeRunner(), new() { ["Hub:Monitors:MaxMonitors"] = "2" });
        var client = hub.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync("/api/v1/monitors", Monitor("one"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync("/api/v1/monitors", Monitor("two"))).StatusCode);

        var response = await client.PostJsonAsync("/api/v1/monitors", Monitor("three"));

        await response.IsProblemAsync(HttpStatusCode.Conflict, "monitor_limit_reached");
        Assert.Equal(2, (await (await client.GetAsync("/api/v1/monitors", TestContext.Current.CancellationToken)).JsonAsync()).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Update_KeepsTheSecretOfAnUnchangedWebhook_PauseResumeAndDelete()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();
        var created = await (await client.PostJsonAsync("/api/v1/monitors", Monitor(webhooks: $$"""[{"url":"http://127.0.0.1/hook","secret":"{{Secret}}"}]"""))).JsonAsync();
        var id = created.GetProperty("id").GetString();

        var updated = await client.PutAsync($"/api/v1/monitors/{id}",
            new StringContent(Monitor(name: "corp-mx-2", schedule: """{"cron":"*/5 * * * *","timeZone":"Europe/Berlin"}""", webhooks: """[{"url":"http://127.0.0.1/hook"}]"""),
                System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var paused = await (await client.PostAsync($"/api/v1/monitors/{id}/pause", null, TestContext.Current.CancellationToken)).JsonAsync();
        var resumed = await (await client.PostAsync($"/api/v1/monitors/{id}/resume", null, TestContext.Current.CancellationToken)).JsonAsync();
        var deleted = await client.DeleteAsync($"/api/v1/monitors/{id}", TestContext.Current.CancellationToken);
        var gone = await client.GetAsync($"/api/v1/monitors/{id}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var body = await updated.JsonAsync();
        Assert.Equal("corp-mx-2", body.GetProperty("name").GetString());
        Assert.Equal("Europe/Berlin", body.GetProperty("schedule").GetProperty("timeZone").GetString());
        Assert.True(paused.GetProperty("paused").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, paused.GetProperty("nextRunAt").ValueKind);
        Assert.False(resumed.GetProperty("paused").GetBoolean());
        Assert.Equal(0, resumed.GetProperty("nextRunAt").GetDateTimeOffset().Minute % 5);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await gone.IsProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task List_AndUnknownIds_Are404Problems()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();
        await client.PostJsonAsync("/api/v1/monitors", Monitor("b"));
        await client.PostJsonAsync("/api/v1/monitors", Monitor("a"));

        var list = await (await client.GetAsync("/api/v1/monitors?pageSize=1", TestContext.Current.CancellationToken)).JsonAsync();
        var missing = Guid.NewGuid();

        Assert.Equal(2, list.GetProperty("total").GetInt32());
        Assert.Equal("a", list.GetProperty("items")[0].GetProperty("name").GetString());
        await (await client.GetAsync($"/api/v1/monitors/{missing}", TestContext.Current.CancellationToken)).IsProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.GetAsync($"/api/v1/monitors/{missing}/alerts", TestContext.Current.CancellationToken)).IsProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.PostAsync($"/api/v1/monitors/{missing}/pause", null, TestContext.Current.CancellationToken)).IsProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.DeleteAsync($"/api/v1/monitors/{missing}", TestContext.Current.CancellationToken)).IsProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.GetAsync("/api/v1/monitors?pageSize=0", TestContext.Current.CancellationToken)).IsProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task WithApiKeysConfigured_MonitorsNeedAKey()
    {
        await using var hub = new HubFactory(new FakeRunner(), new() { ["Hub:ApiKeys:0"] = "monitor-test-key-0123456789" });
        var client = hub.CreateClient();

        var without = await client.GetAsync("/api/v1/monitors", TestContext.Current.CancellationToken);
        client.DefaultRequestHeaders.Add("X-Api-Key", "monitor-test-key-0123456789");
        var with = await client.GetAsync("/api/v1/monitors", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
    }
}
