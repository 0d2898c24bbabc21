using System.Net;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Probes;

public sealed class CreateProbeTests
{
    private const string Kb = """{"server":"127.0.0.1","from":"admin@test.com","to":["alice@corp.test"]}""";

    [Fact]
    public async Task Post_ValidRequest_Returns202WithLocationOfTheStoredProbe()
    {
        var runner = new FakeRunner { Hold = true };
        await using var hub = new HubFactory(runner);
        var client = hub.CreateClient();

        var response = await client.PostJsonAsync("/api/v1/probes", Kb);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.JsonAsync();
        var id = body.GetProperty("id").GetString();
        Assert.Equal($"/api/v1/probes/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("running", body.GetProperty("status").GetString());
        var run = Assert.Single(body.GetProperty("runs").EnumerateArray());
        Assert.Equal("hub", run.GetProperty("agent").GetProperty("name").GetString());
        Assert.Equal("hub", run.GetProperty("agent").GetProperty("labels").GetProperty("zone").GetString());
        var stored = await client.GetAsync(response.Headers.Location, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        runner.Release();
    }

    [Fact]
    public async Task Post_WithWait_Returns200WithTheFinishedProbeFlattened()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();

        var response = await client.PostJsonAsync("/api/v1/probes?wait=10", Kb);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("completed", body.GetProperty("status").GetString());
        var run = Assert.Single(body.GetProperty("runs").EnumerateArray());
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal("passed", run.GetProperty("verdict").GetString());
        Assert.Equal("ABC123", run.GetProperty("queueId").GetString());
        Assert.Equal(
            [220, 250, 250, 250, 354, 250, 221],
            run.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("reply").GetProperty("code").GetInt32()));
        Assert.Equal("banner", run.GetProperty("steps")[0].GetProperty("name").GetString());
        Assert.Equal("ok", run.GetProperty("steps")[0].GetProperty("outcome").GetString());
        Assert.Equal("received", run.GetProperty("transcript")[0].GetProperty("direction").GetString());
    }

    [Fact]
    public async Task Post_WithWaitShorterThanTheProbe_Returns202()
    {
        var runner = new FakeRunner { Hold = true };
        await using var hub = new HubFactory(runner);
        var client = hub.CreateClient();

        var response = await client.PostJsonAsync("/api/v1/probes?wait=1", Kb);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("running", (await response.JsonAsync()).GetProperty("status").GetString());
        runner.Release();
    }

    [Fact]
    public async Task Post_RequestDefaults_BecomeThePlanTheAgentRuns()
    {
        var runner = new FakeRunner();
        await using var hub = new HubFactory(runner);
        var client = hub.CreateClient();

        var response = await client.PostJsonAsync("/api/v1/probes?wait=10", """{"to":["alice@corp.test"]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var plan = Assert.Single(runner.Plans);
        Assert.Equal("admin@test.com", plan.From);
        Assert.Equal("test.com", plan.Helo);
        Assert.Null(plan.Server);
        Assert.Equal("test message", plan.Message.Subject);
        Assert.Equal((await response.JsonAsync()).GetProperty("id").GetString(), plan.ProbeId);
    }

    [Fact]
    public async Task Post_AuthPassword_IsGivenToTheAgentButNeverStoredOrReturned()
    {
        var runner = new FakeRunner();
        var data = Directory.CreateTempSubdirectory("hubtest-").FullName;
        await using var hub = new HubFactory(runner, dataDirectory: data);
        var client = hub.CreateClient();
        const string secret = "S3cr3t-Never-Stored";

        var response = await client.PostJsonAsync("/api/v1/probes?wait=10",
            $$$"""{"to":["alice@corp.test"],"auth":{"username":"u","password":"{{{secret}}}"}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(secret, Assert.Single(runner.Plans).Auth?.Password);
        var id = (await response.JsonAsync()).GetProperty("id").GetString();
        var get = await client.GetStringAsync($"/api/v1/probes/{id}", TestContext.Current.CancellationToken);
        Assert.DoesNotContain(secret, get, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        await hub.DisposeAsync();
        var files = Directory.GetFiles(data);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
            Assert.DoesNotContain(secret, System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        }

        Directory.Delete(data, recursive: true);
    }
}
