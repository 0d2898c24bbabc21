using SmtpProbeHub.Probe.Dialog;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Resolution;

namespace SmtpProbeHub.Probe.Tests.Resolution;

public sealed class MxResolverTests
{
    private readonly TranscriptRecorder _transcript = new(TimeProvider.System, null);

    private Task<ResolveOutcome> ResolveAsync(FakeDns dns, string to = "alice@corp.test", string? server = null) =>
        new MxResolver(dns).ResolveAsync(new ProbePlan { To = [to], Server = server }, _transcript, TestContext.Current.CancellationToken);

    private string Transcript => string.Join("\n", _transcript.Snapshot().Select(t => t.Text));

    [Fact]
    public async Task MxRecords_AreTriedInPreferenceOrder_WithTheirAddresses()
    {
        var dns = new FakeDns()
            .WithMx("corp.test", ("mx2.corp.test", 20), ("mx1.corp.test", 10), ("mx3.corp.test", 30))
            .WithHost("mx1.corp.test", "192.0.2.1", "2001:db8::1")
            .WithHost("mx2.corp.test", "192.0.2.2")
            .WithHost("mx3.corp.test", "192.0.2.3");

        var outcome = await ResolveAsync(dns);

        Assert.Null(outcome.FailureCode);
        Assert.Equal(["mx1.corp.test", "mx2.corp.test", "mx3.corp.test"], outcome.Hosts.Select(h => h.Name));
        Assert.Equal(["192.0.2.1", "2001:db8::1"], outcome.Hosts[0].Addresses.Select(a => a.ToString()));
        var report = outcome.Report!;
        Assert.Equal("corp.test", report.Domain);
        Assert.False(report.ImplicitMx);
        Assert.Equal([10, 20, 30], report.Hosts.Select(h => h.Preference!.Value));
        Assert.Contains("corp.test: MX 10 mx1.corp.test", Transcript, StringComparison.Ordinal);
        Assert.Contains("mx1.corp.test: AAAA 2001:db8::1", Transcript, StringComparison.Ordinal);
        Assert.Contains("mx2.corp.test: A 192.0.2.2", Transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoMx_FallsBackToTheDomainsOwnAddress()
    {
        var dns = new FakeDns().WithMx("corp.test").WithHost("corp.test", "192.0.2.9");

        var outcome = await ResolveAsync(dns);

        Assert.Equal("corp.test", Assert.Single(outcome.Hosts).Name);
        Assert.True(outcome.Report!.ImplicitMx);
        Assert.Contains("implicit MX", Transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoMx_AndNoAddress_IsNoMx()
    {
        var dns = new FakeDns().WithMx("corp.test");
        dns.Hosts["corp.test"] = new AddressAnswer(DnsStatus.Ok, []);

        Assert.Equal("dns.no_mx", (await ResolveAsync(dns)).FailureCode);
    }

    [Fact]
    public async Task NullMx_IsDiagnosed_WithoutAddressLookups()
    {
        var dns = new FakeDns().WithMx("corp.test", ("", 0));

        var outcome = await ResolveAsync(dns);

        Assert.Equal("dns.null_mx", outcome.FailureCode);
        Assert.Equal(["MX corp.test"], dns.Questions);
    }

    [Fact]
    public async Task NxDomain_AndFailure_AreToldApart()
    {
        Assert.Equal("dns.nxdomain", (await ResolveAsync(new FakeDns())).FailureCode);
        var failing = new FakeDns();
        failing.Mx["corp.test"] = new MxAnswer(DnsStatus.Failure, [], "SERVFAIL");
        var outcome = await ResolveAsync(failing);
        Assert.Equal("dns.failure", outcome.FailureCode);
        Assert.Contains("SERVFAIL", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MxHostWithoutAddress_IsSkipped_AndAllWithoutIsNoAddress()
    {
        var dns = new FakeDns().WithMx("corp.test", ("dead.corp.test", 5), ("mx.corp.test", 10)).WithHost("mx.corp.test", "192.0.2.5");

        var outcome = await ResolveAsync(dns);

        Assert.Equal(["mx.corp.test"], outcome.Hosts.Select(h => h.Name));
        Assert.Equal(2, outcome.Report!.Hosts.Count);
        Assert.Empty(outcome.Report.Hosts[0].Addresses);

        var none = new FakeDns().WithMx("corp.test", ("dead.corp.test", 5));
        Assert.Equal("dns.no_address", (await ResolveAsync(none)).FailureCode);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("[192.0.2.7]", "192.0.2.7")]
    [InlineData("::1", "::1")]
    [InlineData("[IPv6:2001:db8::25]", "2001:db8::25")]
    public async Task ServerIpLiteral_NeedsNoDns(string server, string address)
    {
        var dns = new FakeDns();

        var outcome = await ResolveAsync(dns, server: server);

        Assert.Equal(address, Assert.Single(Assert.Single(outcome.Hosts).Addresses).ToString());
        Assert.Empty(dns.Questions);
        Assert.Null(outcome.Report);
    }

    [Fact]
    public async Task ServerName_IsLookedUpByAddress_NotMx()
    {
        var dns = new FakeDns().WithHost("smtp.corp.test", "192.0.2.25");

        var outcome = await ResolveAsync(dns, server: "smtp.corp.test");

        Assert.Equal(["A/AAAA smtp.corp.test"], dns.Questions);
        Assert.Equal("smtp.corp.test", outcome.Report!.Domain);
        Assert.Equal("dns.nxdomain", (await ResolveAsync(new FakeDns(), server: "nothing.corp.test")).FailureCode);
    }

    [Fact]
    public async Task RecipientDomainLiteral_NeedsNoDns()
    {
        var dns = new FakeDns();

        var outcome = await ResolveAsync(dns, to: "postmaster@[192.0.2.8]");

        Assert.Equal("192.0.2.8", outcome.Hosts[0].Addresses[0].ToString());
        Assert.Empty(dns.Questions);
    }
}
