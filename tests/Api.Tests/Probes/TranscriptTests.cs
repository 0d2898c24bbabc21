using System.Net;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Probes;

/// <summary>GET /api/v1/probes/{id}/transcript: the probe as plain text for a ticket, behind the same access rule as the rest of the API.</summary>
public sealed class TranscriptTests
{
    private const string Key = "transcript-key-0123456789";

    [Fact]
    public async Task Transcript_OfAFinishedProbe_IsPlainText_WithTheRunAndEachLineMarked()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();
        var id = (await (await client.PostJsonAsync("/api/v1/probes?wait=10", """{"server":"127.0.0.1","to":["alice@corp.test"]}""")).JsonAsync()).GetProperty("id").GetString();

        var response = await client.GetAsync($"/api/v1/probes/{id}/transcript", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var lines = (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Split('\n');
        Assert.StartsWith($"SmtpProbeHub probe {id}, created ", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(", completed", lines[0], StringComparison.Ordinal);
        Assert.Equal("Server: 127.0.0.1; to: alice@corp.test", lines[1]);
        Assert.Contains("=== hub, zone hub: passed in 12.5 ms ===", lines);
        Assert.Contains("Server: 127.0.0.1 (127.0.0.1) port 25", lines);
        Assert.Contains("Queue id: ABC123", lines);
        // The fake engine's transcript: one received reply per step, at 0, 1, 2, … ms.
        Assert.Contains("      0.0 ms < 220 ok", lines);
        Assert.Contains("      6.0 ms < 221 ok", lines);
    }

    [Fact]
    public async Task Transcript_OfAnUnknownProbe_Is404Problem()
    {
        await using var hub = new HubFactory(new FakeRunner());

        var response = await hub.CreateClient().GetAsync($"/api/v1/probes/{Guid.NewGuid()}/transcript", TestContext.Current.CancellationToken);

        await response.IsProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Transcript_WithKeysConfigured_Is401WithoutTheKey_AndServedWithIt()
    {
        await using var hub = new HubFactory(new FakeRunner(), new() { ["Hub:ApiKeys:0"] = Key });
        var keyed = hub.CreateClient();
        keyed.DefaultRequestHeaders.Add("X-Api-Key", Key);
        var id = (await (await keyed.PostJsonAsync("/api/v1/probes?wait=10", """{"to":["alice@corp.test"]}""")).JsonAsync()).GetProperty("id").GetString();

        var without = await hub.CreateClient().GetAsync($"/api/v1/probes/{id}/transcript", TestContext.Current.CancellationToken);
        var with = await keyed.GetAsync($"/api/v1/probes/{id}/transcript", TestContext.Current.CancellationToken);

        await without.IsProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        Assert.Contains("< 220 ok", await with.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
