using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Security;

public sealed class AccessTests
{
    private const string Key = "test-key-0123456789";

    [Fact]
    public async Task WithKeysConfigured_ApiWithoutKey_Returns401Problem()
    {
        await using var hub = new HubFactory(new FakeRunner(), new() { ["Hub:ApiKeys:0"] = Key });

        var response = await hub.CreateClient().GetAsync("/api/v1/probes", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("https://smtpprobehub.dev/problems/unauthorized", (await response.JsonAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task WithKeysConfigured_WrongKey_Returns401_RightKey_IsServed()
    {
        await using var hub = new HubFactory(new FakeRunner(), new() { ["Hub:ApiKeys:0"] = "other-key", ["Hub:ApiKeys:1"] = Key });
        var client = hub.CreateClient();

        client.DefaultRequestHeaders.Add("X-Api-Key", Key + "x");
        var wrong = await client.GetAsync("/api/v1/probes", TestContext.Current.CancellationToken);
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        var right = await client.PostJsonAsync("/api/v1/probes", """{"to":["alice@corp.test"]}""");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, right.StatusCode);
    }

    [Fact]
    public async Task WithKeysConfigured_HealthAndSwaggerStayOpen()
    {
        await using var hub = new HubFactory(new FakeRunner(), new() { ["Hub:ApiKeys:0"] = Key });
        var client = hub.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/swagger/v1/swagger.json", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task WithoutKeys_RemoteClient_Returns403_LoopbackClientIsServed()
    {
        await using var remote = new HubFactory(new FakeRunner()) { ExtraServices = s => s.AddSingleton<IStartupFilter>(new RemoteAddress("192.0.2.50")) };
        await using var local = new HubFactory(new FakeRunner()) { ExtraServices = s => s.AddSingleton<IStartupFilter>(new RemoteAddress("127.0.0.1")) };

        var refused = await remote.CreateClient().GetAsync("/api/v1/probes", TestContext.Current.CancellationToken);
        var served = await local.CreateClient().GetAsync("/api/v1/probes", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("loopback_only", (await refused.JsonAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task WithoutKeys_RemoteClient_GetsNeitherSwaggerNorMetricsNorTheResultsPage_ButHealth()
    {
        await using var remote = new HubFactory(new FakeRunner()) { ExtraServices = s => s.AddSingleton<IStartupFilter>(new RemoteAddress("192.0.2.50")) };
        var client = remote.CreateClient();

        foreach (var path in new[] { "/swagger/index.html", "/swagger/v1/swagger.json", "/metrics", "/", "/ui/js/app.js", "/no-such-path" })
        {
            var refused = await client.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("loopback_only", (await refused.JsonAsync()).GetProperty("code").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task WithKeysConfigured_RemoteClient_ReadsSwaggerMetricsAndTheResultsPageWithoutKey_ButNotTheApi()
    {
        await using var remote = new HubFactory(new FakeRunner(), new() { ["Hub:ApiKeys:0"] = Key })
        {
            ExtraServices = s => s.AddSingleton<IStartupFilter>(new RemoteAddress("192.0.2.50")),
        };
        var client = remote.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/swagger/index.html", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/metrics", TestContext.Current.CancellationToken)).StatusCode);
        // The page holds no data: what it shows comes from the API, which asks for the key.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/", TestContext.Current.CancellationToken)).StatusCode);
        var api = await client.GetAsync("/api/v1/agents", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("X-Api-Key", api.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task RateLimit_Exceeded_Returns429ProblemWithRetryAfter()
    {
        await using var hub = new HubFactory(new FakeRunner(), new()
        {
            ["Hub:ApiKeys:0"] = Key,
            ["Hub:RateLimit:Burst"] = "3",
            ["Hub:RateLimit:PerMinute"] = "6",
        });
        var client = hub.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", Key);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 5; i++)
        {
            var response = await client.GetAsync("/api/v1/agents", TestContext.Current.CancellationToken);
            statuses.Add(response.StatusCode);
            limited = response.StatusCode == HttpStatusCode.TooManyRequests ? response : limited;
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.NotNull(limited!.Headers.RetryAfter);
        Assert.Equal("rate_limited", (await limited.JsonAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", TestContext.Current.CancellationToken)).StatusCode);
    }

    /// <summary>Gives in-process requests a client address, as Kestrel would.</summary>
    private sealed class RemoteAddress(string address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate nextDelegate) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(address);
                return nextDelegate(context);
            });
            next(app);
        };
    }
}
