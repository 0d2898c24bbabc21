using System.Net;

namespace SmtpProbeHub.Probe.Resolution;

/// <summary>The DNS questions the resolver asks; a seam so the MX logic can be tested without a DNS server.</summary>
internal interface IDnsLookup
{
    Task<MxAnswer> QueryMxAsync(string domain, CancellationToken cancellationToken);

    Task<AddressAnswer> QueryAddressesAsync(string host, CancellationToken cancellationToken);
}

/// <summary>How a DNS question ended.</summary>
internal enum DnsStatus
{
    /// <summary>An answer (possibly with no records of the type asked).</summary>
    Ok,
    /// <summary>The name does not exist.</summary>
    NxDomain,
    /// <summary>No usable answer (timeout, SERVFAIL, refused).</summary>
    Failure,
}

/// <summary>MX records as found, unsorted.</summary>
internal sealed record MxAnswer(DnsStatus Status, IReadOnlyList<MxRecordInfo> Records, string? Error = null);

/// <summary>One MX record; <see cref="Exchange"/> has no trailing dot ("" for the null MX ".").</summary>
internal sealed record MxRecordInfo(string Exchange, int Preference);

/// <summary>A and AAAA records of a host.</summary>
internal sealed record AddressAnswer(DnsStatus Status, IReadOnlyList<IPAddress> Addresses, string? Error = null);
