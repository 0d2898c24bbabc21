using SmtpProbeHub.EndToEnd.Tests.Agents.Processes;

namespace SmtpProbeHub.EndToEnd.Tests.Agents;

/// <summary>What the hub says at start when it serves agents beside REST.</summary>
public sealed class HubStartupTests
{
    [Fact]
    public async Task Startup_PointsBrowsersAtTheRestEndpoint_NeverAtTheAgentsGrpcEndpoint()
    {
        // Started once both banner lines were written.
        await using var hub = await FleetHub.StartAsync();

        var output = hub.Process.Text;
        // The ports named in the banner are the ones bound (the hub was started on port 0): the Swagger line's serves
        // Swagger UI, the agent line's does not (it is the agents' endpoint only).
        Assert.NotEqual(hub.RestPort, hub.GrpcPort);
        Assert.Contains($"Swagger UI: http://localhost:{hub.RestPort}/swagger", output, StringComparison.Ordinal);
        Assert.DoesNotContain($":{hub.GrpcPort}/swagger", output, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await hub.Http.GetAsync("/swagger/index.html", TestContext.Current.CancellationToken)).StatusCode);
        using var h2c = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var onAgentsPort = await h2c.GetAsync($"http://127.0.0.1:{hub.GrpcPort}/swagger/index.html", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, onAgentsPort.StatusCode);
    }
}
