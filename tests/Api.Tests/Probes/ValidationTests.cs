using System.Net;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Probes;

public sealed class ValidationTests
{
    public static TheoryData<string, string> InvalidRequests => new()
    {
        { """{"from":"a@b.c\r\nRCPT TO:<x@y.z>","to":["alice@corp.test"]}""", "from" },
        { """{"to":["alice@corp.test\r\nDATA"]}""", "to[0]" },
        { """{"to":["alice@corp.test"],"helo":"test.com\nQUIT"}""", "helo" },
        { """{"to":["alice@corp.test"],"server":"127.0.0.1\r\n"}""", "server" },
        { """{"to":["alice@corp.test"],"message":{"subject":"hi\r\nBcc: x@y.z"}}""", "message.subject" },
        { """{"to":["alice@corp.test"],"message":{"headers":{"X-Test":"a\r\nb"}}}""", "message.headers.X-Test" },
        { """{"to":["alice@corp.test"],"auth":{"username":"u\r\n","password":"p"}}""", "auth.username" },
        { """{"to":["alice@corp.test"],"dsn":{"envId":"a\r\nb"}}""", "dsn.envId" },
        { """{"to":[]}""", "to" },
        { """{"from":"admin@test.com"}""", "to" },
        { """{"to":["not-an-address"]}""", "to[0]" },
        { """{"to":["alice@corp.test"],"port":0}""", "port" },
        { """{"to":["alice@corp.test"],"port":70000}""", "port" },
        { """{"to":["alice@corp.test"],"timeouts":{"totalSeconds":0}}""", "timeouts.totalSeconds" },
        { """{"to":["alice@corp.test"],"timeouts":{"connectSeconds":100000}}""", "timeouts.connectSeconds" },
        { """{"to":["alice@corp.test"],"agents":{"ids":[""]}}""", "agents.ids[0]" },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task Post_InvalidField_Returns400ProblemNamingTheFieldAndRunsNothing(string json, string field)
    {
        var runner = new FakeRunner();
        await using var hub = new HubFactory(runner);
        var client = hub.CreateClient();

        var response = await client.PostJsonAsync("/api/v1/probes", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal("https://smtpprobehub.dev/problems/validation", problem.GetProperty("type").GetString());
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
        Assert.Equal(0, runner.Calls);
        var list = await (await client.GetAsync("/api/v1/probes", TestContext.Current.CancellationToken)).JsonAsync();
        Assert.Equal(0, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Post_MoreThan100Recipients_Returns400()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var to = string.Join(",", Enumerable.Range(0, 101).Select(i => $"\"u{i}@corp.test\""));

        var response = await hub.CreateClient().PostJsonAsync("/api/v1/probes", $$"""{"to":[{{to}}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("to", out _));
    }

    [Theory]
    [InlineData("""{"to":["alice@corp.test"]""", null)]
    [InlineData("""{"to":["alice@corp.test"],"tls":"sometimes"}""", "tls")]
    [InlineData("""{"to":["alice@corp.test"],"quitAfter":"dance"}""", "quitAfter")]
    [InlineData("""{"to":["alice@corp.test"],"form":"typo@test.com"}""", null)]
    [InlineData("""{"to":"alice@corp.test"}""", "to")]
    [InlineData("""{"to":["alice@corp.test"],"port":"twenty-five"}""", "port")]
    public async Task Post_UnreadableJson_Returns400ProblemNotTheDefault(string json, string? field)
    {
        var runner = new FakeRunner();
        await using var hub = new HubFactory(runner);

        var response = await hub.CreateClient().PostJsonAsync("/api/v1/probes", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal("https://smtpprobehub.dev/problems/invalid-json", problem.GetProperty("type").GetString());
        Assert.Equal("invalid_json", problem.GetProperty("code").GetString());
        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }

        Assert.Equal(0, runner.Calls);
    }

    [Theory]
    [InlineData("""{"to":["alice@corp.test"],"tls":"bogus"}""", "tls", "expected one of none, opportunistic, required, implicit")]
    [InlineData("""{"to":["alice@corp.test"],"tls":3}""", "tls", "expected one of none, opportunistic, required, implicit")]
    [InlineData("""{"to":["alice@corp.test"],"quitAfter":"nope"}""", "quitAfter",
        "expected one of resolve, connect, banner, ehlo, helo, starttls, auth, mail, rcpt, data, message, quit")]
    [InlineData("""{"to":["alice@corp.test"],"dsn":{"notify":["success","sometimes"]}}""", "dsn.notify[1]", "expected one of never, success, failure, delay")]
    [InlineData("""{"to":["alice@corp.test"],"auth":{"username":"u","password":"p","mechanism":"md5"}}""", "auth.mechanism", "expected one of plain, login")]
    public async Task Post_UnknownEnumValue_NamesTheAllowedValues_AsTheJsonSpellsThem(string json, string field, string expected)
    {
        await using var hub = new HubFactory(new FakeRunner());

        var response = await hub.CreateClient().PostJsonAsync("/api/v1/probes", json);

        var problem = await response.IsProblemAsync(HttpStatusCode.BadRequest, "invalid_json");
        Assert.Equal([expected], problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()));
        Assert.Equal($"{field}: {expected}", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("System.", problem.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    public async Task Post_NoBody_Returns400InvalidJson(string body)
    {
        var runner = new FakeRunner();
        await using var hub = new HubFactory(runner);

        var response = await hub.CreateClient().PostJsonAsync("/api/v1/probes", body);

        var problem = await response.IsProblemAsync(HttpStatusCode.BadRequest, "invalid_json");
        Assert.DoesNotContain("ProbeRequest", problem.ToString());
        Assert.Equal(0, runner.Calls);
    }

    [Theory]
    [InlineData("wait=-1")]
    [InlineData("wait=301")]
    public async Task Post_WaitOutOfRange_Returns400(string query)
    {
        await using var hub = new HubFactory(new FakeRunner());

        var response = await hub.CreateClient().PostJsonAsync($"/api/v1/probes?{query}", """{"to":["alice@corp.test"]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("wait", out _));
    }

    [Fact]
    public async Task Post_WaitNotANumber_Returns400NamingWait()
    {
        var runner = new FakeRunner();
        await using var hub = new HubFactory(runner);

        var response = await hub.CreateClient().PostJsonAsync("/api/v1/probes?wait=soon", """{"to":["alice@corp.test"]}""");

        var problem = await response.IsProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(["wait must be a whole number."], problem.GetProperty("errors").GetProperty("wait").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, runner.Calls);
    }

    [Fact]
    public async Task Post_SelectorMatchingNoAgent_Returns422NoAgentsMatched()
    {
        var runner = new FakeRunner();
        await using var hub = new HubFactory(runner);

        var response = await hub.CreateClient().PostJsonAsync("/api/v1/probes", """{"to":["alice@corp.test"],"agents":{"labels":{"zone":"outside"}}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal("no_agents_matched", problem.GetProperty("code").GetString());
        Assert.Equal("https://smtpprobehub.dev/problems/no-agents-matched", problem.GetProperty("type").GetString());
        Assert.Equal(0, runner.Calls);
    }

    [Fact]
    public async Task Post_BuiltInAgentDisabledAndNoRemoteAgent_Returns422()
    {
        await using var hub = new HubFactory(new FakeRunner(), new() { ["Hub:LocalAgent:Enabled"] = "false" });

        var response = await hub.CreateClient().PostJsonAsync("/api/v1/probes", """{"to":["alice@corp.test"]}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var agents = await (await hub.CreateClient().GetAsync("/api/v1/agents", TestContext.Current.CancellationToken)).JsonAsync();
        Assert.Equal(0, agents.GetArrayLength());
    }
}
