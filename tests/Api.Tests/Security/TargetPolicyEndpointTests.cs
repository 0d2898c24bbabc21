using System.Net;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Security;

/// <summary>
/// The hub's target policy at submission: a port or a server address outside it is a 422 naming the rule, and
/// nothing is dispatched. (On the resolved address, right before connecting, the engine checks it again: Probe.Tests.)
/// </summary>
public sealed class TargetPolicyEndpointTests
{
    // A setting under Hub:Targets keeps the test factory from allowing loopback: this is the shipped default policy.
    private static HubFactory DefaultPolicyHub(FakeRunner runner, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["Hub:Targets:DeniedNetworks:0"] = "203.0.113.0/24" };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        // Production: the Development environment's appsettings allow loopback for the built-in agent (for a newcomer's first probe).
        return new HubFactory(runner, settings) { Environment = "Production" };
    }

    [Theory]
    [InlineData("127.0.0.1", 25, "loopback")]
    [InlineData("127.1", 25, "loopback")]
    [InlineData("2130706433", 25, "loopback")]
    [InlineData("0x7f000001", 25, "loopback")]
    [InlineData("[::ffff:127.0.0.1]", 25, "loopback")]
    [InlineData("::1", 25, "loopback")]
    [InlineData("169.254.169.254", 25, "link-local")]
    [InlineData("10.1.2.3", 25, "private")]
    [InlineData("192.168.0.10", 587, "private")]
    [InlineData("0.0.0.0", 25, "unspecified")]
    [InlineData("203.0.113.9", 25, "denies")]
    [InlineData("192.0.2.25", 22, "port 22 is not allowed")]
    [InlineData("mail.example.test", 8080, "port 8080 is not allowed")]
    public async Task TargetOutsideThePolicy_Is422TargetNotAllowed_AndNothingIsDispatched(string server, int port, string rule)
    {
        var runner = new FakeRunner();
        await using var hub = DefaultPolicyHub(runner);

        var response = await hub.CreateClient().PostJsonAsync("/api/v1/probes", $$"""{"server":"{{server}}","port":{{port}},"to":["alice@corp.test"]}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal("https://smtpprobehub.dev/problems/target-not-allowed", problem.GetProperty("type").GetString());
        Assert.Equal("target_not_allowed", problem.GetProperty("code").GetString());
        Assert.Contains(rule, problem.GetProperty("rule").GetString());
        Assert.Equal(0, runner.Calls);
        Assert.Equal(0, (await (await hub.CreateClient().GetAsync("/api/v1/probes", TestContext.Current.CancellationToken)).JsonAsync()).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task PortScanThroughTheHub_EveryPortOutsideThePolicyIsRefused_NoneDispatched()
    {
        var runner = new FakeRunner();
        // A thousand POSTs from one client: a scanner with a raised per-client limit, so the policy is what refuses them.
        await using var hub = DefaultPolicyHub(runner, new() { ["Hub:RateLimit:Burst"] = "2000", ["Hub:RateLimit:PerMinute"] = "12000" });
        var client = hub.CreateClient();

        var refused = 0;
        var ports = Enumerable.Range(1, 1024).Where(p => p is not (25 or 465 or 587)).ToList();
        foreach (var port in ports)
        {
            var response = await client.PostJsonAsync("/api/v1/probes", $$"""{"server":"192.0.2.25","port":{{port}},"to":["alice@corp.test"]}""");
            refused += response.StatusCode == HttpStatusCode.UnprocessableEntity ? 1 : 0;
        }

        Assert.Equal(ports.Count, refused);
        Assert.Equal(0, runner.Calls);
    }

    [Fact]
    public async Task ByLabel_WidensThePolicyForMatchingAgentsOnly_AndTheRunCarriesIt()
    {
        var runner = new FakeRunner();
        await using var hub = DefaultPolicyHub(runner, new()
        {
            ["Hub:Targets:ByLabel:0:Labels:zone"] = "hub",
            ["Hub:Targets:ByLabel:0:AllowedNetworks:0"] = "10.20.0.0/16",
            ["Hub:Targets:ByLabel:1:Labels:zone"] = "inside",
            ["Hub:Targets:ByLabel:1:AllowedNetworks:0"] = "10.30.0.0/16",
        });
        var client = hub.CreateClient();

        var allowed = await client.PostJsonAsync("/api/v1/probes?wait=10", """{"server":"10.20.1.5","to":["alice@corp.test"]}""");
        var otherZones = await client.PostJsonAsync("/api/v1/probes", """{"server":"10.30.1.5","to":["alice@corp.test"]}""");

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherZones.StatusCode);
        var targets = Assert.Single(runner.Targets)!;
        Assert.Contains("10.20.0.0/16", targets.AllowedNetworks);
        Assert.DoesNotContain("10.30.0.0/16", targets.AllowedNetworks);
        Assert.True(targets.Check(IPAddress.Parse("10.20.1.5"), 25).Allowed);
        Assert.False(targets.Check(IPAddress.Parse("127.0.0.1"), 25).Allowed);
    }

    [Fact]
    public async Task AConfiguredPolicyThatDoesNotParse_StopsTheHubAtStart_NamingTheEntry()
    {
        await using var hub = DefaultPolicyHub(new FakeRunner(), new() { ["Hub:Targets:AllowedNetworks:0"] = "10.0.0.0/33" });

        var failure = Assert.ThrowsAny<Exception>(() => hub.CreateClient());

        Assert.Contains("10.0.0.0/33", failure.ToString());
    }
}
