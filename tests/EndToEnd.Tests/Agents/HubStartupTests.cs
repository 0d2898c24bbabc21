using SmtpProbeHub.EndToEnd.Tests.Agents.Processes;

namespace SmtpProbeHub.EndToEnd.Tests.Agents;

/// <summary>What the hub says at start when it serves agents beside REST.</summary>
public sealed class HubStartupTests
{
    [Fact]
    public async Task Startup_PointsBrowsersAtTheRestEndpoint_NeverAtTheAgentsGrpcEndpoint()
    {
        await using var hub = await HubProcess.StartAsync();

        var until = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < until && !hub.Process.Text.Contains("Agent endpoint (gRPC)", StringComparison.Ordinal))
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        var output = hub.Process.Text;
        Assert.Contains($"Swagger UI: http://localhost:{hub.RestPort}/swagger", output, StringComparison.Ordinal);
        Assert.Contains($"Agent endpoint (gRPC): http://127.0.0.1:{hub.GrpcPort}", output, StringComparison.Ordinal);
        Assert.DoesNotContain($":{hub.GrpcPort}/swagger", output, StringComparison.Ordinal);
    }
}
