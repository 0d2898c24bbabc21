using System.Net;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Operations;

public sealed class OperationsTests
{
    [Fact]
    public async Task Health_LiveAndReady_AnswerHealthyWhenTheDatabaseIsThere()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", TestContext.Current.CancellationToken)).StatusCode);
        var ready = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Metrics_AfterAProbe_ShowVerdictsStepLatencyInFlightAndAgents()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();
        await client.PostJsonAsync("/api/v1/probes?wait=10", """{"to":["alice@corp.test"]}""");

        var metrics = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Matches("""smtpprobehub_runs_total\{status="completed",verdict="passed"\} [1-9]""", metrics);
        Assert.Matches("""smtpprobehub_step_duration_seconds_bucket\{step="rcpt",outcome="ok",le="[^"]+"\} [1-9]""", metrics);
        Assert.Contains("smtpprobehub_runs_in_flight", metrics, StringComparison.Ordinal);
        Assert.Matches("""smtpprobehub_agents_connected [1-9]""", metrics);
    }
}
