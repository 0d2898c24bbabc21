using System.Net;
using SmtpProbeHub.Probe.Targets;

namespace SmtpProbeHub.Probe.Tests.Targets;

/// <summary>The target policy as a rule table: which address and port it allows, and which rule refuses.</summary>
public sealed class TargetPolicyTests
{
    private static TargetDecision Check(TargetPolicy policy, string address, int port = 25) => policy.Check(IPAddress.Parse(address), port);

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.45.6.7", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("2002:7f00:1::", "loopback")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("10.1.2.3", "10.0.0.0/8")]
    [InlineData("172.16.0.1", "172.16.0.0/12")]
    [InlineData("172.31.255.254", "172.16.0.0/12")]
    [InlineData("192.168.1.1", "192.168.0.0/16")]
    [InlineData("100.64.0.1", "100.64.0.0/10")]
    [InlineData("fc00::1", "unique local")]
    [InlineData("fd12:3456::1", "unique local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("255.255.255.255", "broadcast")]
    public void Default_RefusesAddressesThatLeadInside_AndNamesTheRange(string address, string rule)
    {
        var decision = Check(TargetPolicy.Default, address);

        Assert.False(decision.Allowed);
        Assert.Contains(rule, decision.Rule, StringComparison.Ordinal);
        Assert.Contains(address, decision.Rule, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("192.0.2.25", 25)]
    [InlineData("198.51.100.7", 25)]
    [InlineData("198.51.100.7", 465)]
    [InlineData("198.51.100.7", 587)]
    [InlineData("198.51.100.7", 2525)]
    [InlineData("2001:db8::25", 25)]
    [InlineData("::ffff:192.0.2.25", 25)]
    [InlineData("64:ff9b::c000:219", 25)]
    public void Default_AllowsPublicAddresses_OnSmtpPorts(string address, int port)
    {
        Assert.Equal(TargetDecision.Allow, Check(TargetPolicy.Default, address, port));
    }

    [Theory]
    [InlineData(22)]
    [InlineData(8080)]
    [InlineData(24)]
    [InlineData(26)]
    public void Default_RefusesOtherPorts_EvenOnAPublicAddress(int port)
    {
        var decision = Check(TargetPolicy.Default, "192.0.2.25", port);

        Assert.False(decision.Allowed);
        Assert.Contains($"port {port} is not allowed", decision.Rule, StringComparison.Ordinal);
        Assert.Contains("25, 465, 587, 2525", decision.Rule, StringComparison.Ordinal);
        Assert.False(TargetPolicy.Default.CheckPort(port).Allowed);
    }

    [Fact]
    public void ExplicitAllow_WinsOverTheBuiltInDenial_ForThatNetworkOnly()
    {
        var policy = TargetPolicy.Create("agent policy", null, ["10.1.0.0/16", "fd00:1::/32"], null);

        Assert.True(Check(policy, "10.1.2.3").Allowed);
        Assert.True(Check(policy, "::ffff:10.1.2.3").Allowed);
        Assert.True(Check(policy, "fd00:1::25").Allowed);
        Assert.False(Check(policy, "10.2.0.1").Allowed);
        Assert.False(Check(policy, "127.0.0.1").Allowed);
        Assert.False(Check(policy, "10.1.2.3", 8080).Allowed);
    }

    [Fact]
    public void ExplicitDeny_WinsOverExplicitAllow_AndOverPublicAddresses()
    {
        var policy = TargetPolicy.Create("agent policy", null, ["10.0.0.0/8"], ["10.9.0.0/16", "192.0.2.0/24"]);

        Assert.True(Check(policy, "10.1.1.1").Allowed);
        var denied = Check(policy, "10.9.1.1");
        Assert.False(denied.Allowed);
        Assert.Contains("10.9.0.0/16", denied.Rule, StringComparison.Ordinal);
        Assert.Contains("agent policy denies", denied.Rule, StringComparison.Ordinal);
        Assert.False(Check(policy, "192.0.2.25").Allowed);
        // The IPv6 spellings of a denied IPv4 address meet the same rule.
        Assert.False(Check(policy, "::ffff:192.0.2.25").Allowed);
        Assert.False(Check(policy, "64:ff9b::c000:219").Allowed);
        Assert.False(Check(policy, "2002:c000:219::").Allowed);
        Assert.True(Check(policy, "198.51.100.7").Allowed);
    }

    [Fact]
    public void And_ASecondLayerAllowingLoopback_CannotWidenTheFirst()
    {
        var agent = TargetPolicy.Default.Named("agent policy");
        var hub = TargetPolicy.Create("hub policy", ["1-65535"], ["127.0.0.0/8", "::1/128", "10.0.0.0/8"], null);

        var combined = agent.And(hub);

        var loopback = Check(combined, "127.0.0.1");
        Assert.False(loopback.Allowed);
        Assert.Contains("agent policy", loopback.Rule, StringComparison.Ordinal);
        Assert.False(Check(combined, "::1").Allowed);
        Assert.False(Check(combined, "10.1.1.1").Allowed);
        Assert.False(Check(combined, "192.0.2.25", 8080).Allowed);
        Assert.True(Check(combined, "192.0.2.25").Allowed);
        // Order does not matter: the hub's layer first does not widen either.
        Assert.False(Check(hub.And(agent), "127.0.0.1").Allowed);
        Assert.False(Check(TargetPolicy.Default.And(TargetPolicy.AllowAll), "127.0.0.1").Allowed);
    }

    [Fact]
    public void And_ASecondLayer_NarrowsTheFirst()
    {
        var agent = TargetPolicy.AllowAll.Named("agent policy");
        var hub = TargetPolicy.Create("hub policy", ["25"], null, ["198.51.100.0/24"]);

        var combined = agent.And(hub);

        var denied = Check(combined, "198.51.100.7");
        Assert.False(denied.Allowed);
        Assert.Contains("hub policy", denied.Rule, StringComparison.Ordinal);
        Assert.False(Check(combined, "127.0.0.1").Allowed);
        Assert.Contains("hub policy", Check(combined, "192.0.2.25", 2525).Rule, StringComparison.Ordinal);
        Assert.True(Check(combined, "192.0.2.25").Allowed);
        Assert.Same(agent, agent.And(null));
    }

    [Fact]
    public void AllowAll_AllowsLoopbackAndAnyPort()
    {
        Assert.True(Check(TargetPolicy.AllowAll, "127.0.0.1", 40000).Allowed);
        Assert.True(Check(TargetPolicy.AllowAll, "::1", 1).Allowed);
        Assert.True(Check(TargetPolicy.AllowAll, "::ffff:127.0.0.1", 65535).Allowed);
    }

    [Fact]
    public void Problems_NameEveryBadEntry_AndCreateRefusesThem()
    {
        string[] ports = ["25", "x", "0", "70000", "30-20", "1024-65535"];
        string[] allowed = ["10.0.0.0/33", "not-an-ip", "127.1", "10.1.0.0/16"];
        string[] denied = ["192.0.2.1", "2001:db8::/32", ""];

        var problems = TargetPolicy.Problems(ports, allowed, denied);

        Assert.Equal(8, problems.Count);
        foreach (var bad in new[] { "'x'", "'0'", "'70000'", "'30-20'", "'10.0.0.0/33'", "'not-an-ip'", "'127.1'" })
        {
            Assert.Contains(problems, p => p.StartsWith(bad, StringComparison.Ordinal));
        }

        Assert.Contains(problems, p => p.StartsWith("''", StringComparison.Ordinal));
        var e = Assert.Throws<FormatException>(() => TargetPolicy.Create("agent policy", ports, allowed, denied));
        Assert.Contains("'not-an-ip'", e.Message, StringComparison.Ordinal);
        Assert.Empty(TargetPolicy.Problems(["25", " 587 ", "1024-65535"], ["10.1.0.0/16", "192.0.2.7"], ["fd00::/8"]));
    }

    [Fact]
    public void Create_WithoutPorts_UsesTheSmtpPorts_AndSingleAddressesStandForThemselves()
    {
        var policy = TargetPolicy.Create("agent policy", [], ["10.1.2.3"], null);

        Assert.Equal(TargetPolicy.DefaultPorts, policy.Ports);
        Assert.Equal(["10.1.2.3/32"], policy.AllowedNetworks);
        Assert.True(Check(policy, "10.1.2.3").Allowed);
        Assert.False(Check(policy, "10.1.2.4").Allowed);
    }

    [Fact]
    public void Named_RenamesTheLayerInRefusals()
    {
        var decision = Check(TargetPolicy.Default.Named("agent policy of inside-1"), "10.0.0.1");

        Assert.Contains("which the agent policy of inside-1 does not allow", decision.Rule, StringComparison.Ordinal);
    }
}
