using System.Net;
using SmtpProbeHub.Probe.Diagnostics;
using SmtpProbeHub.Probe.Dialog;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Validation;

namespace SmtpProbeHub.Probe.Resolution;

/// <summary>
/// Finds the hosts to try: an IP literal as is, a server name by A/AAAA, or else the recipient domain's
/// MX hosts in preference order with the implicit-MX fallback of RFC 5321 §5.1 and the null MX of RFC 7505.
/// </summary>
internal sealed class MxResolver(IDnsLookup dns)
{
    public async Task<ResolveOutcome> ResolveAsync(ProbePlan plan, TranscriptRecorder transcript, CancellationToken cancellationToken)
    {
        if (plan.Server is { } server)
        {
            return await ResolveServerAsync(server.TrimEnd('.'), transcript, cancellationToken).ConfigureAwait(false);
        }

        var recipient = plan.To[0];
        var domain = recipient[(recipient.LastIndexOf('@') + 1)..];
        if (Syntax.ParseIp(domain) is { } literal)
        {
            transcript.Info($"Recipient domain {domain} is an address literal: no DNS lookup");
            return ResolveOutcome.Found([new ResolvedHost(domain, [literal])], null);
        }

        transcript.Info($"Looking up MX records of {domain}…");
        var mx = await dns.QueryMxAsync(domain, cancellationToken).ConfigureAwait(false);
        switch (mx.Status)
        {
            case DnsStatus.NxDomain:
                transcript.Info($"{domain}: NXDOMAIN (the domain does not exist)");
                return ResolveOutcome.Failed(DiagnosisCodes.DnsNxDomain, domain);
            case DnsStatus.Failure:
                transcript.Info($"{domain}: MX lookup failed: {mx.Error}");
                return ResolveOutcome.Failed(DiagnosisCodes.DnsFailure, $"{domain}: {mx.Error}");
        }

        if (mx.Records.Count == 0)
        {
            transcript.Info($"{domain}: no MX record; falling back to the domain's own A/AAAA (implicit MX, RFC 5321 §5.1)");
            var (host, resolvedHost, _) = await LookupHostAsync(domain, null, transcript, cancellationToken).ConfigureAwait(false);
            return host.Addresses.Count > 0
                ? ResolveOutcome.Found([resolvedHost], new ResolutionReport(domain, true, [host]))
                : ResolveOutcome.Failed(DiagnosisCodes.DnsNoMx, domain);
        }

        if (mx.Records.Any(r => r.Exchange.Length == 0))
        {
            transcript.Info($"{domain}: MX 0 . (null MX: the domain accepts no mail, RFC 7505)");
            return ResolveOutcome.Failed(DiagnosisCodes.DnsNullMx, domain);
        }

        // OrderBy is stable: equal preferences keep the DNS server's order, so runs are repeatable.
        var ordered = mx.Records.OrderBy(r => r.Preference).ToList();
        foreach (var record in ordered)
        {
            transcript.Info($"{domain}: MX {record.Preference} {record.Exchange}");
        }

        var hosts = new List<MailHost>();
        var resolved = new List<ResolvedHost>();
        foreach (var record in ordered)
        {
            var (host, resolvedHost, _) = await LookupHostAsync(record.Exchange, record.Preference, transcript, cancellationToken).ConfigureAwait(false);
            hosts.Add(host);
            if (host.Addresses.Count > 0)
            {
                resolved.Add(resolvedHost);
            }
        }

        var report = new ResolutionReport(domain, false, hosts);
        return resolved.Count > 0
            ? ResolveOutcome.Found(resolved, report)
            : ResolveOutcome.Failed(DiagnosisCodes.DnsNoAddress, $"no MX host of {domain} has an address", report);
    }

    private async Task<ResolveOutcome> ResolveServerAsync(string server, TranscriptRecorder transcript, CancellationToken cancellationToken)
    {
        if (Syntax.ParseIp(server) is { } address)
        {
            transcript.Info($"Server {server} is an IP address: no DNS lookup");
            return ResolveOutcome.Found([new ResolvedHost(address.ToString(), [address])], null);
        }

        transcript.Info($"Looking up addresses of {server}…");
        var (host, resolved, status) = await LookupHostAsync(server, null, transcript, cancellationToken).ConfigureAwait(false);
        var report = new ResolutionReport(server, false, [host]);
        if (host.Addresses.Count > 0)
        {
            return ResolveOutcome.Found([resolved], report);
        }

        var code = status switch
        {
            DnsStatus.NxDomain => DiagnosisCodes.DnsNxDomain,
            DnsStatus.Failure => DiagnosisCodes.DnsFailure,
            _ => DiagnosisCodes.DnsNoAddress,
        };
        return ResolveOutcome.Failed(code, server, report);
    }

    private async Task<(MailHost Host, ResolvedHost Resolved, DnsStatus Status)> LookupHostAsync(
        string name, int? preference, TranscriptRecorder transcript, CancellationToken cancellationToken)
    {
        var answer = await dns.QueryAddressesAsync(name, cancellationToken).ConfigureAwait(false);
        switch (answer.Status)
        {
            case DnsStatus.NxDomain:
                transcript.Info($"{name}: NXDOMAIN");
                break;
            case DnsStatus.Failure:
                transcript.Info($"{name}: address lookup failed: {answer.Error}");
                break;
            default:
                if (answer.Addresses.Count == 0)
                {
                    transcript.Info($"{name}: no A/AAAA record");
                }

                foreach (var address in answer.Addresses)
                {
                    transcript.Info($"{name}: {(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "AAAA" : "A")} {address}");
                }

                break;
        }

        return (new MailHost(name, preference, [.. answer.Addresses.Select(a => a.ToString())]), new ResolvedHost(name, answer.Addresses), answer.Status);
    }
}

/// <summary>A host to try and its addresses, in order.</summary>
internal sealed record ResolvedHost(string Name, IReadOnlyList<IPAddress> Addresses);

/// <summary>The hosts to try, or why there are none.</summary>
internal sealed record ResolveOutcome(IReadOnlyList<ResolvedHost> Hosts, ResolutionReport? Report, string? FailureCode, string? Detail)
{
    public static ResolveOutcome Found(IReadOnlyList<ResolvedHost> hosts, ResolutionReport? report) => new(hosts, report, null, null);

    public static ResolveOutcome Failed(string code, string detail, ResolutionReport? report = null) => new([], report, code, detail);
}
