using System.Net;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Probes;

public sealed class ReadProbeTests
{
    [Fact]
    public async Task Get_UnknownId_Returns404Problem()
    {
        await using var hub = new HubFactory(new FakeRunner());

        var response = await hub.CreateClient().GetAsync($"/api/v1/probes/{Guid.NewGuid()}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal("https://smtpprobehub.dev/problems/not-found", problem.GetProperty("type").GetString());
        Assert.Equal("not_found", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Get_IdThatIsNotAGuid_Returns404Problem()
    {
        await using var hub = new HubFactory(new FakeRunner());

        var response = await hub.CreateClient().GetAsync("/api/v1/probes/not-a-guid", TestContext.Current.CancellationToken);

        await response.IsProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task List_FiltersByStatusVerdictAgentServerDomainAndTime()
    {
        var runner = new FakeRunner();
        await using var hub = new HubFactory(runner);
        var client = hub.CreateClient();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await client.PostJsonAsync("/api/v1/probes?wait=10", """{"server":"127.0.0.1","to":["alice@corp.test"]}""");
        await client.PostJsonAsync("/api/v1/probes?wait=10", """{"server":"mx.other.test","to":["bob@other.test"]}""");

        async Task<int> Total(string query) =>
            (await (await client.GetAsync("/api/v1/probes?" + query, TestContext.Current.CancellationToken)).JsonAsync()).GetProperty("total").GetInt32();

        Assert.Equal(2, await Total(""));
        Assert.Equal(2, await Total("status=completed"));
        Assert.Equal(0, await Total("status=running"));
        Assert.Equal(2, await Total("verdict=passed"));
        Assert.Equal(0, await Total("verdict=failed"));
        Assert.Equal(2, await Total("agent=hub"));
        Assert.Equal(0, await Total("agent=outside-1"));
        Assert.Equal(1, await Total("server=127.0.0.1"));
        Assert.Equal(1, await Total("domain=other.test"));
        Assert.Equal(1, await Total("domain=CORP.TEST"));
        Assert.Equal(2, await Total("createdAfter=" + Uri.EscapeDataString(before.ToString("O"))));
        Assert.Equal(0, await Total("createdBefore=" + Uri.EscapeDataString(before.ToString("O"))));
    }

    [Fact]
    public async Task List_PagesNewestFirstWithTotal()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var created = await client.PostJsonAsync("/api/v1/probes?wait=10", $$"""{"to":["u{{i}}@corp.test"]}""");
            ids.Add((await created.JsonAsync()).GetProperty("id").GetString()!);
        }

        var seen = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            var body = await (await client.GetAsync($"/api/v1/probes?page={page}&pageSize=2", TestContext.Current.CancellationToken)).JsonAsync();
            Assert.Equal(5, body.GetProperty("total").GetInt32());
            Assert.Equal(2, body.GetProperty("pageSize").GetInt32());
            seen.AddRange(body.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()!));
        }

        // UUIDv7 ids grow with time, so newest first is descending id order too.
        Assert.Equal(ids.AsEnumerable().Reverse(), seen);
    }

    [Theory]
    [InlineData("status=sideways", "status", "expected one of running, completed, canceled")]
    [InlineData("status=1", "status", "expected one of running, completed, canceled")]
    [InlineData("verdict=maybe", "verdict", "expected one of passed, failed")]
    [InlineData("page=0", "page", "page starts at 1.")]
    [InlineData("pageSize=1000", "pageSize", "pageSize must be between 1 and 200.")]
    [InlineData("page=10737420&pageSize=200", "page", "page must be at most 10737419 with pageSize 200.")]
    [InlineData("page=2147483647", "page", "page must be at most 42949673 with pageSize 50.")]
    [InlineData("page=x", "page", "page must be a whole number.")]
    [InlineData("page=99999999999", "page", "page must be a whole number.")]
    [InlineData("pageSize=many", "pageSize", "pageSize must be a whole number.")]
    [InlineData("createdAfter=yesterday", "createdAfter", "createdAfter must be a date and time in ISO 8601 (2026-01-31T12:00:00Z).")]
    public async Task List_BadFilter_Returns400NamingIt(string query, string field, string message)
    {
        await using var hub = new HubFactory(new FakeRunner());

        var response = await hub.CreateClient().GetAsync("/api/v1/probes?" + query, TestContext.Current.CancellationToken);

        var problem = await response.IsProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal([message], problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task List_LastPageBeforeTheOffsetOverflows_IsEmpty_NotPageOne()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();
        await client.PostJsonAsync("/api/v1/probes?wait=10", """{"to":["alice@corp.test"]}""");

        var body = await (await client.GetAsync("/api/v1/probes?page=10737419&pageSize=200", TestContext.Current.CancellationToken)).JsonAsync();

        Assert.Equal(1, body.GetProperty("total").GetInt32());
        Assert.Equal(0, body.GetProperty("items").GetArrayLength());
    }
}
