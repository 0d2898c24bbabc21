using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Problems;

/// <summary>
/// Limits that Kestrel enforces, on a real Kestrel (the test server has none of them): past the hub's own limits the
/// answer is the hub's problem; past Kestrel's backstop, or for a request Kestrel cannot parse, Kestrel answers alone
/// before any of the hub's code runs, with the status and no body (no hook lets the hub write one).
/// </summary>
public sealed class KestrelLimitTests : IAsyncLifetime
{
    private const int BodyLimit = 1024;
    private HubFactory _hub = null!;
    private HttpClient _client = null!;

    public ValueTask InitializeAsync()
    {
        // The REST endpoint on a port of Kestrel's choosing, and no agent endpoint.
        _hub = new HubFactory(new FakeRunner(), new() { ["Kestrel:Endpoints:Rest:Url"] = "http://127.0.0.1:0", ["Hub:Grpc:Url"] = "" });
        _hub.UseKestrel(kestrel =>
        {
            // Small, so the whole body is read off the socket before Kestrel closes it: a reset would hide the answer.
            kestrel.Limits.MaxRequestBodySize = BodyLimit;
        });
        _hub.StartServer();
        _client = _hub.CreateClient();
        Assert.Equal(IPAddress.Loopback.ToString(), _client.BaseAddress!.Host);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task BodyOverKestrelsLimit_Is413PayloadTooLarge()
    {
        var json = $$$"""{"to":["alice@corp.test"],"message":{"body":"{{{new string('x', 4 * BodyLimit)}}}"}}""";

        var response = await _client.PostJsonAsync("/api/v1/probes", json);

        var problem = await response.IsProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Contains($"{BodyLimit} bytes", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task UrlOverTheHubsLimit_Is414UriTooLong()
    {
        var response = await _client.GetAsync("/api/v1/probes?server=" + new string('a', 9 * 1024), TestContext.Current.CancellationToken);

        var problem = await response.IsProblemAsync(HttpStatusCode.RequestUriTooLong, "uri_too_long");
        Assert.Contains("at most 8192", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(1, 40 * 1024)]
    [InlineData(120, 8)]
    public async Task HeadersOverTheHubsLimit_Are431HeadersTooLarge(int count, int valueLength)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/probes");
        for (var i = 0; i < count; i++)
        {
            request.Headers.Add($"X-Test-{i}", new string('v', valueLength));
        }

        var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);

        await response.IsProblemAsync(HttpStatusCode.RequestHeaderFieldsTooLarge, "headers_too_large");
    }

    [Fact]
    public async Task UrlPastKestrelsBackstop_Is414WithNoBody_KestrelAnswersAlone()
    {
        var response = await _client.GetAsync("/api/v1/probes?server=" + new string('a', 17 * 1024), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task HeadersPastKestrelsBackstop_Are431WithNoBody_KestrelAnswersAlone()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/probes");
        request.Headers.Add("X-Test", new string('v', 70 * 1024));

        var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task NulInThePath_Is400WithNoBody_KestrelRefusesItAlone()
    {
        var response = await _client.GetAsync("/api/v1/probes/a%00b", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }
}
