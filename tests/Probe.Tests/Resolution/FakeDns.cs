using System.Net;
using SmtpProbeHub.Probe.Resolution;

namespace SmtpProbeHub.Probe.Tests.Resolution;

/// <summary>A DNS seam answering from tables, recording the questions asked.</summary>
internal sealed class FakeDns : IDnsLookup
{
    public Dictionary<string, MxAnswer> Mx { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, AddressAnswer> Hosts { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<string> Questions { get; } = [];

    public FakeDns WithMx(string domain, params (string Host, int Preference)[] records)
    {
        Mx[domain] = new MxAnswer(DnsStatus.Ok, [.. records.Select(r => new MxRecordInfo(r.Host, r.Preference))]);
        return this;
    }

    public FakeDns WithHost(string host, params string[] addresses)
    {
        Hosts[host] = new AddressAnswer(DnsStatus.Ok, [.. addresses.Select(IPAddress.Parse)]);
        return this;
    }

    public Task<MxAnswer> QueryMxAsync(string domain, CancellationToken cancellationToken)
    {
        Questions.Add($"MX {domain}");
        return Task.FromResult(Mx.TryGetValue(domain, out var answer) ? answer : new MxAnswer(DnsStatus.NxDomain, []));
    }

    public Task<AddressAnswer> QueryAddressesAsync(string host, CancellationToken cancellationToken)
    {
        Questions.Add($"A/AAAA {host}");
        return Task.FromResult(Hosts.TryGetValue(host, out var answer) ? answer : new AddressAnswer(DnsStatus.NxDomain, []));
    }
}
