using SmtpProbeHub.Probe.Diagnostics;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Probes.Comparison;

/// <summary>
/// The rules that turn a difference between two vantage points into a cause and a next step. A run is compared
/// with the baseline in this order: DNS first (<see cref="DnsRules"/>: a run that resolved another server is not
/// comparable further; split-horizon DNS with the same server behind it is only a note), then the path (connect),
/// then the server's answers, then TLS; a difference no rule explains is still reported.
/// </summary>
internal static class ComparisonRules
{
    public static IEnumerable<ComparisonFinding> Differences(ComparedRun baseline, ComparedRun run)
    {
        var b = baseline.Result!;
        var r = run.Result!;
        if (DnsRules.Compare(baseline, run) is { } dns)
        {
            yield return dns;
            if (dns.Kind == FindingKind.Difference)
            {
                yield break;
            }
        }

        var explained = false;
        if ((Path(baseline, run) ?? Refusal(baseline, run)) is { } failure)
        {
            explained = true;
            yield return failure;
        }

        foreach (var tls in Tls(baseline, run))
        {
            explained = true;
            yield return tls;
        }

        if (!explained && RunFacts.OutcomeKey(b) != RunFacts.OutcomeKey(r))
        {
            yield return Finding(FindingCodes.OutcomesDiffer, run,
                $"{Who(run, baseline)} {RunFacts.OutcomeKey(r)} while {Who(baseline, run)} {RunFacts.OutcomeKey(b)}",
                "The vantage points got different answers from the same server, for a reason none of the known patterns explains.",
                "Compare the two transcripts line by line, starting at the first step where they differ.");
        }
    }

    /// <summary>
    /// Every run failed, all in the same way, and (<paramref name="sameServer"/>) no DNS answer sent one of them to
    /// another server: the vantage points agree on a failure.
    /// </summary>
    public static ComparisonFinding? SameFailureEverywhere(IReadOnlyList<ComparedRun> compared, bool sameServer)
    {
        if (!sameServer || compared.Any(c => c.Result!.Verdict == Verdict.Passed) || compared.Select(c => RunFacts.OutcomeKey(c.Result!)).Distinct().Count() != 1)
        {
            return null;
        }

        var first = compared[0].Result!;
        var targets = compared.Select(c => RunFacts.Target(c.Result!)).Distinct().ToList();
        var against = first.FailedStep != StepName.Resolve && targets.Count == 1 ? $" against {targets[0]}" : "";
        var diagnosis = first.Diagnosis is { Summary.Length: > 0 } d ? $": {char.ToLowerInvariant(d.Summary[0])}{d.Summary[1..]}" : "";
        var refusedByPolicy = first.Diagnosis?.Code == DiagnosisCodes.TargetNotAllowed;
        return new ComparisonFinding(FindingCodes.SameFailureEverywhere, FindingKind.SharedFailure,
            $"Every vantage point {RunFacts.OutcomeKey(first)}{against}{diagnosis}",
            refusedByPolicy
                ? "No vantage point was allowed to connect by the target policy, so nothing was sent: neither the server nor any path was tested."
                : "The failure does not depend on where the test runs from, so it is not on the network path of any one vantage point: it lies with the mail server, or with something every path to it shares (its host firewall, its own network).",
            refusedByPolicy ? first.Diagnosis!.Hint
                : first.Diagnosis?.Hint is { Length: > 0 } hint ? $"Look at the server first: {hint}"
                : "Look at the mail server itself: its service, its configuration and its log at the time of the probe.",
            [.. compared.Select(c => c.Ref.Zone).Distinct()], [.. compared.Select(c => c.Ref)]);
    }

    /// <summary>The zone in words; the agent's name when the zone does not tell the two apart.</summary>
    internal static string Who(ComparedRun run, ComparedRun other) =>
        run.Ref.Zone == ZoneNames.Unlabeled || run.Ref.Zone == other.Ref.Zone ? $"agent {run.Ref.Agent}" : run.Ref.Zone;

    internal static ComparisonFinding Finding(string code, ComparedRun run, string summary, string cause, string next, FindingKind kind = FindingKind.Difference) =>
        new(code, kind, char.ToUpperInvariant(summary[0]) + summary[1..], cause, next, [run.Ref.Zone], [run.Ref]);

    private static ComparisonFinding? Path(ComparedRun baseline, ComparedRun run)
    {
        var r = run.Result!;
        if (r.FailedStep != StepName.Connect || !RunFacts.GotPast(baseline.Result!, StepName.Connect))
        {
            return null;
        }

        var outcome = RunFacts.FailedStepRecord(r)?.Outcome;
        var code = r.Diagnosis?.Code ?? "";
        var port = r.Server?.Port ?? 25;
        if (code == DiagnosisCodes.TargetNotAllowed)
        {
            // Nothing was sent: the path was never tried, so it says nothing about firewalls or NAT.
            return Finding(FindingCodes.TargetNotAllowed, run,
                $"{Who(run, baseline)} was not allowed to connect to {RunFacts.Target(r)} by a target policy while {Who(baseline, run)} connects",
                $"The target policy of the hub (Hub:Targets, per agent label) or of the agent itself (Agent:Targets) does not list this address or port for {Who(run, baseline)}, so it sent no packet; the network path from there was not tested.",
                $"If {Who(run, baseline)} should test this server, allow its network and port {port} in the hub's Hub:Targets:ByLabel entry for that agent or in the agent's Agent:Targets, then probe again.");
        }

        if (outcome == StepOutcome.Timeout || code is "connect.timeout" or "connect.unreachable")
        {
            return Finding(FindingCodes.InboundFiltered, run,
                $"{Who(run, baseline)} {(code == "connect.unreachable" ? "gets no route" : "times out")} connecting to {RunFacts.Target(r)} while {Who(baseline, run)} connects",
                $"Inbound TCP port {port} is filtered between {Who(run, baseline)} and the server: a firewall drops the connection silently, a NAT/port-forwarding rule for it is missing, or the provider blocks port {port}.",
                $"Check the perimeter firewall and the NAT/port-forwarding rule for inbound TCP {port} to the mail server, and ask the provider whether it filters port {port}; then probe again from {Who(run, baseline)}.");
        }

        return Finding(FindingCodes.InboundReset, run,
            $"{Who(run, baseline)} is refused connecting to {RunFacts.Target(r)} ({(code.Length > 0 ? code : "connection refused")}) while {Who(baseline, run)} connects",
            $"Something answers the connections from {Who(run, baseline)} with a TCP reset while {Who(baseline, run)} reaches the mail service, so the service is up: a firewall on the path (or on the mail server's own host) rejects those clients, or a NAT device has no forwarding rule for port {port}.",
            $"Find what sends the reset (the edge firewall or NAT router, or the mail server host's own firewall) and open or forward TCP {port} from {Who(run, baseline)} to the mail server.");
    }

    private static ComparisonFinding? Refusal(ComparedRun baseline, ComparedRun run)
    {
        var r = run.Result!;
        if (r.FailedStep is not ({ } step and (StepName.Banner or StepName.Ehlo or StepName.Helo or StepName.Mail or StepName.Rcpt))
            || !RunFacts.GotPast(baseline.Result!, step)
            || RunFacts.FailedStepRecord(r) is not { Outcome: StepOutcome.Rejected, Reply: { } reply })
        {
            return null;
        }

        var refusesClient = (step == StepName.Banner && reply.Code is 554 or 421)
            || reply.EnhancedCode?.StartsWith("5.7.", StringComparison.Ordinal) == true
            || reply.Code == 554;
        var temporary = reply.Code is >= 400 and < 500 ? " A 4xx refusal may also be a passing limit: probe again to see whether it persists." : "";
        return refusesClient
            ? Finding(FindingCodes.ServerRefusesClients, run,
                $"The server refuses {Who(run, baseline)} at {RunFacts.Name(step)} with \"{RunFacts.Quote(reply)}\" while it accepts {Who(baseline, run)}",
                $"The mail server itself refuses clients from {Who(run, baseline)}: connection filtering by client address, an IP reputation or blocklist check, or relay/recipient rules that treat those clients differently.{temporary}",
                "Read the server's log for the refused session and its client restrictions (access lists, RBL checks, relay rules); make sure mail from the internet to your own domains is accepted.")
            : null;
    }

    private static IEnumerable<ComparisonFinding> Tls(ComparedRun baseline, ComparedRun run)
    {
        var b = baseline.Result!;
        var r = run.Result!;
        if (!RunFacts.SawEhlo(b) || !RunFacts.SawEhlo(r))
        {
            yield break;
        }

        if (RunFacts.StartTlsOffered(b) && !RunFacts.StartTlsOffered(r))
        {
            yield return Finding(FindingCodes.StartTlsStripped, run,
                $"The server offers STARTTLS to {Who(baseline, run)} but not to {Who(run, baseline)}",
                $"Something removes STARTTLS from the EHLO reply seen by {Who(run, baseline)}: a firewall or \"SMTP inspection\" middlebox that strips it (mail then travels unencrypted), or a server setting that hides it from those clients.",
                "Look for SMTP inspection/fixup features on the firewalls in the path (e.g. ESMTP inspection) and disable STARTTLS stripping; check the server's per-client EHLO settings.");
        }

        if (RunFacts.Thumbprint(b) is { } bPrint && RunFacts.Thumbprint(r) is { } rPrint
            && !string.Equals(bPrint, rPrint, StringComparison.OrdinalIgnoreCase))
        {
            yield return Finding(FindingCodes.CertificateDiffers, run,
                $"{Who(run, baseline)} is shown another certificate ({r.Tls!.Certificate!.Subject}, SHA-256 {rPrint}) than {Who(baseline, run)} ({b.Tls!.Certificate!.Subject}, SHA-256 {bPrint})",
                "A device between those clients and the server terminates TLS with its own certificate (TLS interception), or the name leads to a different server from there.",
                "Check whether a firewall or mail gateway intercepts TLS on port 25, and which server answers from that side; the certificate's issuer names the device.");
        }
    }
}
