using System.Net;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Probes;

public sealed class CancelProbeTests
{
    [Fact]
    public async Task Cancel_ProbeInFlight_EndsItsRunAsCanceledWithStepsSoFar()
    {
        var runner = new FakeRunner { Hold = true };
        await using var hub = new HubFactory(runner);
        var client = hub.CreateClient();
        var id = (await (await client.PostJsonAsync("/api/v1/probes", """{"to":["alice@corp.test"]}""")).JsonAsync()).GetProperty("id").GetString();
        await runner.Started.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var response = await client.PostAsync($"/api/v1/probes/{id}/cancel", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var probe = await response.JsonAsync();
        Assert.Equal("canceled", probe.GetProperty("status").GetString());
        var run = probe.GetProperty("runs")[0];
        Assert.Equal("canceled", run.GetProperty("status").GetString());
        Assert.Equal("run.canceled", run.GetProperty("diagnosis").GetProperty("code").GetString());
        Assert.Equal(2, run.GetProperty("steps").GetArrayLength());
        Assert.Equal(JsonValueKindNull, run.GetProperty("verdict").ValueKind);
    }

    [Fact]
    public async Task Cancel_EndedProbe_ChangesNothing()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();
        var id = (await (await client.PostJsonAsync("/api/v1/probes?wait=10", """{"to":["alice@corp.test"]}""")).JsonAsync()).GetProperty("id").GetString();

        var response = await client.PostAsync($"/api/v1/probes/{id}/cancel", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var probe = await response.JsonAsync();
        Assert.Equal("completed", probe.GetProperty("status").GetString());
        Assert.Equal("passed", probe.GetProperty("runs")[0].GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Cancel_UnknownProbe_Returns404Problem()
    {
        await using var hub = new HubFactory(new FakeRunner());

        var response = await hub.CreateClient().PostAsync($"/api/v1/probes/{Guid.NewGuid()}/cancel", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (await response.JsonAsync()).GetProperty("code").GetString());
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}
