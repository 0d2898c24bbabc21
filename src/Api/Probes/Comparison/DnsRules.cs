using SmtpProbeHub.Probe.Diagnostics;
using SmtpProbeHub.Probe.Model;
using static SmtpProbeHub.Api.Probes.Comparison.ComparisonRules;

namespace SmtpProbeHub.Api.Probes.Comparison;

/// <summary>
/// What the DNS answers of two vantage points say. Other mail host names are a difference. The same names at other
/// addresses are split-horizon DNS, a normal set-up (a public address that NAT forwards to the server, a private one
/// inside), when the same server evidently answers at both (<see cref="ServerIdentity"/>): a note, not a difference.
/// Another server there, or no way to tell because a run did not get that far, stays a difference.
/// </summary>
internal static class DnsRules
{
    public static ComparisonFinding? Compare(ComparedRun baseline, ComparedRun run)
    {
        var b = baseline.Result!;
        var r = run.Result!;
        var bTargets = RunFacts.ResolvedTargets(b);
        if (bTargets is not { Count: > 0 })
        {
            return null;
        }

        if (r.FailedStep == StepName.Resolve && RunFacts.ResolvedTargets(r) is not { Count: > 0 })
        {
            return Missing(baseline, run);
        }

        if (RunFacts.ResolvedTargets(r) is not { Count: > 0 } rTargets || rTargets.SetEquals(bTargets))
        {
            return null;
        }

        var resolves = $"{Who(run, baseline)} resolves {RunFacts.DescribeResolution(r)} for {r.Resolution!.Domain} while {Who(baseline, run)} resolves {RunFacts.DescribeResolution(b)}";
        if (!RunFacts.MailHostNames(r).SetEquals(RunFacts.MailHostNames(b)))
        {
            return Finding(FindingCodes.DifferentMx, run, resolves,
                $"The DNS seen from {Who(run, baseline)} names another mail host: a stale public MX (or A record) that still points at an old server, or split DNS whose public zone names another host than the internal one.",
                "Compare the MX and A records on the public authoritative name servers with the internal ones; update the public MX (and lower its TTL beforehand) so it points at the server that should receive mail.");
        }

        var host = r.Server?.Host ?? RunFacts.MailHostNames(r).First();
        var port = r.Server?.Port ?? 25;
        var (bIdentity, rIdentity) = (ServerIdentity.Of(b), ServerIdentity.Of(r));
        if (bIdentity is null || rIdentity is null)
        {
            var unreached = rIdentity is null ? run : baseline;
            return Finding(FindingCodes.DifferentMx, run,
                $"{resolves}; {Who(unreached, Other(unreached, baseline, run))} {RunFacts.OutcomeKey(unreached.Result!)} against {RunFacts.Target(unreached.Result!)}, so whether the same server answers at both addresses could not be checked",
                "The same mail host resolves to other addresses from there. Split-horizon DNS (a public address that NAT forwards to the server, a private one inside) is a normal set-up, but it could not be confirmed here: the public A record may be stale, or the forwarding to the server (NAT rule, firewall) is missing or broken.",
                $"If {Addresses(unreached.Result!)} is the mail server's public address, check the NAT/port-forwarding rule and the firewall for TCP {port} from it to the server; otherwise correct the public A record of {host}.");
        }

        var differences = rIdentity.Differences(bIdentity, Who(run, baseline), Who(baseline, run));
        if (differences.Count > 0)
        {
            return Finding(FindingCodes.DifferentMx, run,
                $"{resolves}, and another server answers there: {string.Join("; ", differences)}",
                "The same mail host name leads to another server from there: a stale public A record that still points at an old server, or a NAT rule that forwards to another host (or the server presents itself differently to those clients, which the differences above would show).",
                $"Compare the public A record of {host} with the internal one, and the NAT/port-forwarding rule for TCP {port} behind {Addresses(r)}: they must lead to the server {Who(baseline, run)} reached.");
        }

        return Finding(FindingCodes.SplitHorizon, run,
            $"{resolves}, and the same server answers at both ({rIdentity.Evidence(bIdentity)})",
            "Split-horizon DNS: the public zone gives an address that is forwarded (NAT) to the mail server, the internal zone its private address. A normal set-up, not a fault: the same server evidently answers at both addresses.",
            $"Nothing to do. Should {Addresses(r)} stop leading to this server, check the public A record of {host} and the NAT rule for TCP {port}.",
            FindingKind.Note);
    }

    private static ComparisonFinding Missing(ComparedRun baseline, ComparedRun run)
    {
        var b = baseline.Result!;
        var r = run.Result!;
        var code = r.Diagnosis?.Code;
        var summary = $"{Who(run, baseline)} finds no mail host for {b.Resolution!.Domain} ({code ?? "resolve failed"}) while {Who(baseline, run)} resolves {RunFacts.DescribeResolution(b)}";
        return code == DiagnosisCodes.DnsFailure
            ? Finding(FindingCodes.MissingMx, run, summary,
                $"The DNS lookup itself failed from {Who(run, baseline)} (no answer in time, or a server failure), so nothing is known about the records: the resolver {Who(run, baseline)} uses, or the domain's public name servers, did not answer.",
                "Query the domain's MX on its public authoritative name servers from outside (dig MX domain @ns); check the delegation and that the name servers are reachable from the internet.")
            : Finding(FindingCodes.MissingMx, run, summary,
                $"The DNS seen from {Who(run, baseline)} has no usable MX (or A) record for the domain while the one {Who(baseline, run)} uses does: the MX is missing or wrong in the public zone, or split DNS hides it.",
                $"Check the domain's MX record on its public authoritative name servers; it must name a host whose public address reaches the server {Who(baseline, run)} reached.");
    }

    private static ComparedRun Other(ComparedRun one, ComparedRun a, ComparedRun b) => one == a ? b : a;

    private static string Addresses(ProbeResult r) =>
        r.Server?.Address ?? string.Join(", ", r.Resolution?.Hosts.SelectMany(h => h.Addresses) ?? []);
}
