using DnsClient;
using SmtpProbeHub.TestSupport.Dns;

namespace SmtpProbeHub.Probe.Tests.Integration;

/// <summary>The real dnsmasq peer answers the default test zone (checked without the engine).</summary>
public sealed class DnsmasqInstanceTests(DnsmasqInstance dns)
{
    private LookupClient Client() => new(new LookupClientOptions(dns.EndPoint) { UseCache = false, Retries = 0, Timeout = TimeSpan.FromSeconds(5) });

    [Fact]
    public async Task Mx_OfCorpTest_IsMxCorpTestOnLoopback()
    {
        var mx = await Client().QueryAsync(DnsZone.Corp, QueryType.MX, cancellationToken: TestContext.Current.CancellationToken);
        var a = await Client().QueryAsync("mx.corp.test", QueryType.A, cancellationToken: TestContext.Current.CancellationToken);

        var record = Assert.Single(mx.Answers.MxRecords());
        Assert.Equal("mx.corp.test.", record.Exchange.Value);
        Assert.Equal(10, record.Preference);
        Assert.Equal("127.0.0.1", Assert.Single(a.Answers.ARecords()).Address.ToString());
    }

    [Fact]
    public async Task Mx_OfTwoMxDomain_HasBothPreferences()
    {
        var mx = await Client().QueryAsync(DnsZone.TwoMx, QueryType.MX, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([10, 20], mx.Answers.MxRecords().Select(r => (int)r.Preference).Order());
    }

    [Fact]
    public async Task NoMxDomain_HasNoMxButAnARecord_AndMissingDomainIsNxdomain()
    {
        var client = Client();
        var noMx = await client.QueryAsync(DnsZone.NoMx, QueryType.MX, cancellationToken: TestContext.Current.CancellationToken);
        var noMxA = await client.QueryAsync(DnsZone.NoMx, QueryType.A, cancellationToken: TestContext.Current.CancellationToken);
        var missing = await client.QueryAsync(DnsZone.Missing, QueryType.MX, cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(noMx.HasError);
        Assert.Empty(noMx.Answers.MxRecords());
        Assert.Single(noMxA.Answers.ARecords());
        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, missing.Header.ResponseCode);
        Assert.Contains("query[MX] missing.test", await dns.WaitForLogAsync("query[MX] missing.test"));
    }
}
