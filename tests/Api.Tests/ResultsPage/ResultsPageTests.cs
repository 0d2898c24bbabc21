using System.Net;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.ResultsPage;

/// <summary>The results page's files as the hub serves them (what the page does in a browser: EndToEnd's ResultsPageBrowserTests).</summary>
public sealed class ResultsPageTests
{
    [Fact]
    public async Task Root_ServesThePage_WithAPolicyThatAllowsOnlyItsOwnFiles()
    {
        await using var hub = new HubFactory(new FakeRunner());

        var response = await hub.CreateClient().GetAsync("/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("""<script type="module" src="/ui/js/app.js"></script>""", html, StringComparison.Ordinal);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [InlineData("/ui/app.css", "text/css")]
    [InlineData("/ui/js/app.js", "text/javascript")]
    [InlineData("/ui/js/api.js", "text/javascript")]
    [InlineData("/ui/favicon.svg", "image/svg+xml")]
    public async Task Assets_AreServedFromTheAssembly_AndRevalidatedByETag(string path, string mediaType)
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();

        var first = await client.GetAsync(path, TestContext.Current.CancellationToken);
        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag!.ToString());
        var second = await client.SendAsync(again, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(mediaType, first.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", first.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task UnknownAsset_Is404Problem()
    {
        await using var hub = new HubFactory(new FakeRunner());

        var response = await hub.CreateClient().GetAsync("/ui/js/nothing.js", TestContext.Current.CancellationToken);

        await response.IsProblemAsync(HttpStatusCode.NotFound, "not_found");
    }
}
