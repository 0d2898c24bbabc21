using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;

namespace SmtpProbeHub.Probe.Resolution;

/// <summary>
/// DNS through DnsClient: the configured servers (with port) when given, else the system's. Host
/// addresses without configured servers come from the system resolver so /etc/hosts names work too.
/// </summary>
internal sealed class DnsClientLookup : IDnsLookup
{
    private readonly LookupClient _client;
    private readonly bool _systemResolver;

    public DnsClientLookup(IReadOnlyList<IPEndPoint> servers)
    {
        _systemResolver = servers.Count == 0;
        var options = _systemResolver ? new LookupClientOptions() : new LookupClientOptions([.. servers.Select(s => new NameServer(s))]);
        options.UseCache = false;
        options.Timeout = TimeSpan.FromSeconds(3);
        options.Retries = 1;
        options.ThrowDnsErrors = false;
        options.ContinueOnDnsError = false;
        _client = new LookupClient(options);
    }

    public async Task<MxAnswer> QueryMxAsync(string domain, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.QueryAsync(domain, QueryType.MX, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
            {
                return new(DnsStatus.NxDomain, []);
            }

            if (response.HasError)
            {
                return new(DnsStatus.Failure, [], response.ErrorMessage);
            }

            return new(DnsStatus.Ok, [.. response.Answers.MxRecords().Select(r => new MxRecordInfo(r.Exchange.Value.TrimEnd('.'), r.Preference))]);
        }
        catch (DnsResponseException e)
        {
            return new(DnsStatus.Failure, [], e.Message);
        }
    }

    public async Task<AddressAnswer> QueryAddressesAsync(string host, CancellationToken cancellationToken)
    {
        if (_systemResolver)
        {
            try
            {
                return new(DnsStatus.Ok, await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.HostNotFound)
            {
                return new(DnsStatus.NxDomain, []);
            }
            catch (SocketException e)
            {
                return new(DnsStatus.Failure, [], e.Message);
            }
        }

        var v4 = await QueryAsync(host, QueryType.A, cancellationToken).ConfigureAwait(false);
        var v6 = await QueryAsync(host, QueryType.AAAA, cancellationToken).ConfigureAwait(false);
        if (v4.Status == DnsStatus.NxDomain && v6.Status == DnsStatus.NxDomain)
        {
            return new(DnsStatus.NxDomain, []);
        }

        if (v4.Status == DnsStatus.Failure && v6.Status == DnsStatus.Failure)
        {
            return new(DnsStatus.Failure, [], v4.Error);
        }

        return new(DnsStatus.Ok, [.. v4.Addresses, .. v6.Addresses]);
    }

    private async Task<AddressAnswer> QueryAsync(string host, QueryType type, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.QueryAsync(host, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
            {
                return new(DnsStatus.NxDomain, []);
            }

            if (response.HasError)
            {
                return new(DnsStatus.Failure, [], response.ErrorMessage);
            }

            var addresses = type == QueryType.A
                ? response.Answers.OfType<ARecord>().Select(r => r.Address)
                : response.Answers.OfType<AaaaRecord>().Select(r => r.Address);
            return new(DnsStatus.Ok, [.. addresses]);
        }
        catch (DnsResponseException e)
        {
            return new(DnsStatus.Failure, [], e.Message);
        }
    }
}
