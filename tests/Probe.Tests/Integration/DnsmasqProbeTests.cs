using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.TestSupport.Dns;
using SmtpProbeHub.TestSupport.Postfix;

namespace SmtpProbeHub.Probe.Tests.Integration;

/// <summary>Without a server in the plan the engine finds Postfix through MX records served by a real dnsmasq.</summary>
public sealed class DnsmasqProbeTests(PostfixInstance postfix, DnsmasqInstance dns)
{
    private Task<ProbeResult> RunAsync(string to) =>
        Probes.Runner(Probes.Loopback with { DnsServers = [dns.EndPoint] }).RunAsync(
            new ProbePlan { To = [to], Port = postfix.Port, Timeouts = new ProbeTimeouts { ConnectSeconds = 5, TotalSeconds = 30 } },
            cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public async Task MxOfCorpTest_ResolvesThroughDnsmasq_AndReachesPostfix()
    {
        var result = await RunAsync($"alice@{DnsZone.Corp}");

        Assert.Equal(Verdict.Passed, result.Verdict);
        var resolution = Assert.IsType<ResolutionReport>(result.Resolution);
        Assert.Equal(DnsZone.Corp, resolution.Domain);
        Assert.False(resolution.ImplicitMx);
        var host = Assert.Single(resolution.Hosts);
        Assert.Equal(("mx.corp.test", 10), (host.Name.TrimEnd('.'), host.Preference));
        Assert.Equal(["127.0.0.1"], host.Addresses);
        var server = Assert.IsType<ServerEndpoint>(result.Server);
        Assert.Equal(("mx.corp.test", "127.0.0.1", postfix.Port), (server.Host.TrimEnd('.'), server.Address, server.Port));
        Assert.Contains(result.Steps, s => s is { Name: StepName.Resolve, Outcome: StepOutcome.Ok });
        Assert.Contains($"query[MX] {DnsZone.Corp}", await dns.WaitForLogAsync($"query[MX] {DnsZone.Corp}"));
    }

    [Fact]
    public async Task TwoMx_TriesPreference10First_ThenReachesPostfixAtPreference20()
    {
        var result = await RunAsync($"alice@{DnsZone.TwoMx}");

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal(["mx1.multi.test", "mx2.multi.test"], result.Resolution!.Hosts.Select(h => h.Name.TrimEnd('.')));
        Assert.Equal("mx2.multi.test", result.Server!.Host.TrimEnd('.'));
        Assert.Contains(result.Transcript, t => t.Direction == TranscriptDirection.Info && t.Text.Contains("127.0.0.2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DomainWithoutMx_FallsBackToItsARecord()
    {
        var result = await RunAsync($"alice@{DnsZone.NoMx}");

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.True(result.Resolution!.ImplicitMx);
        Assert.Equal(DnsZone.NoMx, result.Server!.Host.TrimEnd('.'));
    }

    [Fact]
    public async Task MissingDomain_FailsAtResolve_AsNxdomain_WithoutConnecting()
    {
        var result = await RunAsync($"alice@{DnsZone.Missing}");

        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Equal(StepName.Resolve, result.FailedStep);
        Assert.Equal("dns.nxdomain", result.Diagnosis!.Code);
        Assert.DoesNotContain(result.Steps, s => s.Name == StepName.Connect && s.Outcome != StepOutcome.Skipped);
    }
}
