using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Targets;
using SmtpProbeHub.Probe.Tests.Resolution;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Probe.Tests.Targets;

/// <summary>
/// The policy as the engine applies it, against a real listener on loopback: a refused target ends the probe at
/// connect with <c>connect.not_allowed</c>, and the listener never sees a connection.
/// </summary>
public sealed class TargetPolicyEngineTests
{
    /// <summary>The default networks with every port allowed, so only the network rule can refuse an ephemeral port.</summary>
    private static readonly TargetPolicy DefaultNetworksAnyPort = TargetPolicy.Create("agent policy", ["1-65535"], null, null);

    private static ProbeEngineOptions Engine(TargetPolicy targets) => Probes.Loopback with { Targets = targets };

    private static ProbePlan PlanFor(ScriptedSmtpServer server, string host) => Probes.PlanFor(server) with { Server = host };

    private static async Task<ProbeResult> RunAsync(ProbePlan plan, TargetPolicy engine, TargetPolicy? hub = null, FakeDns? dns = null)
    {
        var runner = dns is null ? new ProbeRunner(Engine(engine)) : new ProbeRunner(Engine(engine), null, dns);
        return await runner.RunAsync(plan, hub, null, TestContext.Current.CancellationToken);
    }

    private static void AssertRefusedAtConnect(ProbeResult result, ScriptedSmtpServer server, string rule)
    {
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Equal(StepName.Connect, result.FailedStep);
        Assert.Equal("connect.not_allowed", result.Diagnosis!.Code);
        Assert.Equal(StepOutcome.Error, result.Step(StepName.Connect).Outcome);
        Assert.Contains(rule, result.Step(StepName.Connect).Detail, StringComparison.Ordinal);
        Assert.Null(result.Server!.Address);
        Assert.DoesNotContain(result.Transcript, t => t.Text.StartsWith("Trying", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Transcript, t => t.Direction is TranscriptDirection.Sent or TranscriptDirection.Received);
        Assert.Equal(0, server.ConnectionCount);
    }

    [Fact]
    public async Task LoopbackServer_UnderTheDefaultNetworks_IsRefused_AndNothingConnects()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await RunAsync(PlanFor(server, "127.0.0.1"), DefaultNetworksAnyPort);

        AssertRefusedAtConnect(result, server, "loopback");
        Assert.Contains(result.Transcript, t => t.Text.StartsWith($"Not connecting to 127.0.0.1:{server.Port}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("[IPv6:::ffff:127.0.0.1]")]
    public async Task Ipv4MappedSpellingOfLoopback_IsRefused_AndNothingConnects(string host)
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await RunAsync(PlanFor(server, host), DefaultNetworksAnyPort);

        AssertRefusedAtConnect(result, server, "127.0.0.1");
    }

    [Fact]
    public async Task Ipv4MappedSpellingOfLoopback_IsAttempted_WhenThePolicyAllowsIt()
    {
        // The control for the test above: only the policy keeps the engine from trying. (Whether the attempt then
        // reaches the IPv4 listener depends on the socket's dual-stack setting, which is not what is tested here.)
        await using var server = ScriptedSmtpServer.Start();

        var result = await RunAsync(PlanFor(server, "[::ffff:127.0.0.1]"), TargetPolicy.AllowAll);

        Assert.Contains(result.Transcript, t => t.Text.StartsWith($"Trying [::ffff:127.0.0.1]:{server.Port}", StringComparison.Ordinal));
        Assert.NotEqual("connect.not_allowed", result.Diagnosis?.Code);
    }

    [Fact]
    public async Task NameResolvingToLoopback_IsRefused_AsARebindingAnswerWouldBe()
    {
        await using var server = ScriptedSmtpServer.Start();
        var dns = new FakeDns().WithHost("mail.rebind.test", "127.0.0.1");

        var result = await RunAsync(PlanFor(server, "mail.rebind.test"), DefaultNetworksAnyPort, dns: dns);

        AssertRefusedAtConnect(result, server, "loopback");
        Assert.Contains("A/AAAA mail.rebind.test", dns.Questions);
        Assert.Equal(StepOutcome.Ok, result.Step(StepName.Resolve).Outcome);
    }

    [Fact]
    public async Task MxWhoseHostsResolveToLoopbackAndLinkLocal_IsRefusedForEveryAddress()
    {
        await using var server = ScriptedSmtpServer.Start();
        var dns = new FakeDns()
            .WithMx("rebind.test", ("mx1.rebind.test", 10), ("mx2.rebind.test", 20))
            .WithHost("mx1.rebind.test", "169.254.169.254", "::ffff:127.0.0.1")
            .WithHost("mx2.rebind.test", "127.0.0.1");
        var plan = Probes.PlanFor(server, "alice@rebind.test") with { Server = null };

        var result = await RunAsync(plan, DefaultNetworksAnyPort, dns: dns);

        AssertRefusedAtConnect(result, server, "loopback");
        var detail = result.Step(StepName.Connect).Detail!;
        Assert.Contains("169.254.169.254", detail, StringComparison.Ordinal);
        Assert.Contains("link-local", detail, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{server.Port} not allowed", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HubPolicyAllowingEverything_CannotWidenTheEnginesPolicy()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await RunAsync(PlanFor(server, "127.0.0.1"), DefaultNetworksAnyPort, hub: TargetPolicy.AllowAll.Named("hub policy"));

        AssertRefusedAtConnect(result, server, "which the agent policy does not allow");
    }

    [Fact]
    public async Task HubPolicyAllowingEverything_OverTheStrictDefault_IsStillRefused()
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await RunAsync(PlanFor(server, "127.0.0.1"), TargetPolicy.Default, hub: TargetPolicy.AllowAll.Named("hub policy"));

        AssertRefusedAtConnect(result, server, "not allowed by the policy");
    }

    [Fact]
    public async Task HubPolicy_NarrowsAnEngineThatAllowsEverything()
    {
        await using var server = ScriptedSmtpServer.Start();
        var hub = TargetPolicy.Create("hub policy", ["1-65535"], null, ["127.0.0.0/8"]);

        var result = await RunAsync(PlanFor(server, "127.0.0.1"), TargetPolicy.AllowAll, hub: hub);

        AssertRefusedAtConnect(result, server, "127.0.0.0/8, which the hub policy denies");
    }

    [Fact]
    public async Task PortNotAllowed_IsRefused_EvenWhereTheNetworkIsAllowed()
    {
        await using var server = ScriptedSmtpServer.Start();
        var engine = TargetPolicy.Create("agent policy", ["25", "587"], ["127.0.0.0/8"], null);

        var result = await RunAsync(PlanFor(server, "127.0.0.1"), engine);

        AssertRefusedAtConnect(result, server, $"port {server.Port} is not allowed by the agent policy (allowed: 25, 587)");
    }

    [Fact]
    public async Task ExplicitlyAllowedNetworkAndPort_ReachTheListener()
    {
        await using var server = ScriptedSmtpServer.Start();
        var engine = TargetPolicy.Create("agent policy", [$"{server.Port}"], ["127.0.0.1"], null);

        var result = await RunAsync(PlanFor(server, "127.0.0.1"), engine);

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal(1, server.ConnectionCount);
    }
}
