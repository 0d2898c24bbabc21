using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Probes.Comparison;

/// <summary>
/// The rules that turn a difference between two vantage points into a cause and a next step. A run is compared
/// with the baseline in this order: DNS first (a run that resolved another server is not comparable further),
/// then the path (connect), then the server's answers, then TLS; a difference no rule explains is still reported.
/// </summary>
internal static class ComparisonRules
{
    public static IEnumerable<ComparisonFinding> Differences(ComparedRun baseline, ComparedRun run)
    {
        var b = baseline.Result!;
        var r = run.Result!;
        if (Dns(baseline, run) is { } dns)
        {
            yield return dns;
            yield break;
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

    /// <summary>Every run failed, and all in the same way.</summary>
    public static ComparisonFinding? SameFailureEverywhere(IReadOnlyList<ComparedRun> compared)
    {
        if (compared.Any(c => c.Result!.Verdict == Verdict.Passed) || compared.Select(c => RunFacts.OutcomeKey(c.Result!)).Distinct().Count() != 1)
        {
            return null;
        }

        var first = compared[0].Result!;
        var diagnosis = first.Diagnosis is { } d ? $": {d.Summary}" : "";
        return new ComparisonFinding(FindingCodes.SameFailureEverywhere,
            $"Every vantage point {RunFacts.OutcomeKey(first)}{diagnosis}",
            "The failure does not depend on where the test runs from, so it lies with the mail server (or its own host and firewall), not the network path.",
            first.Diagnosis?.Hint is { Length: > 0 } hint ? $"Fix it on the server: {hint}" : "Look at the mail server itself: its service, its configuration and its log at the time of the probe.",
            [.. compared.Select(c => c.Ref.Zone).Distinct()], [.. compared.Select(c => c.Ref)]);
    }

    private static ComparisonFinding? Dns(ComparedRun baseline, ComparedRun run)
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
            return Finding(FindingCodes.MissingMx, run,
                $"{Who(run, baseline)} finds no mail host for {b.Resolution!.Domain} ({r.Diagnosis?.Code ?? "resolve failed"}) while {Who(baseline, run)} resolves {RunFacts.DescribeResolution(b)}",
                "The public DNS has no usable MX (or A) record for the domain while the internal DNS does: the MX is missing or wrong in the public zone, or split DNS hides it.",
                $"Check the domain's MX record on its public authoritative name servers; it must name a host whose public address reaches the server {Who(baseline, run)} reached.");
        }

        if (RunFacts.ResolvedTargets(r) is { Count: > 0 } rTargets && !rTargets.SetEquals(bTargets))
        {
            return Finding(FindingCodes.DifferentMx, run,
                $"{Who(run, baseline)} resolves {RunFacts.DescribeResolution(r)} for {r.Resolution!.Domain} while {Who(baseline, run)} resolves {RunFacts.DescribeResolution(b)}",
                "The DNS seen from there answers differently: split DNS (an internal zone that differs from the public one), or a stale public MX or A record that still points at an old server.",
                "Compare the MX and A records on the public authoritative name servers with the internal ones; update the public MX (and lower its TTL beforehand) so it points at the server that should receive mail.");
        }

        return null;
    }

    private static ComparisonFinding? Path(ComparedRun baseline, ComparedRun run)
    {
        var r = run.Result!;
        if (r.FailedStep != StepName.Connect || !RunFacts.GotPast(baseline.Result!, StepName.Connect))
        {
            return null;
        }

        var outcome = RunFacts.FailedStepRecord(r)?.Outcome;
        var code = r.Diagnosis?.Code ?? "";
        if (outcome == StepOutcome.Timeout || code is "connect.timeout" or "connect.unreachable")
        {
            return Finding(FindingCodes.InboundFiltered, run,
                $"{Who(run, baseline)} {(code == "connect.unreachable" ? "gets no route" : "times out")} connecting to {RunFacts.Target(r)} while {Who(baseline, run)} connects",
                $"Inbound TCP port {r.Server?.Port ?? 25} is filtered between {Who(run, baseline)} and the server: a firewall drops the connection silently, a NAT/port-forwarding rule for it is missing, or the provider blocks port {r.Server?.Port ?? 25}.",
                $"Check the perimeter firewall and the NAT/port-forwarding rule for inbound TCP {r.Server?.Port ?? 25} to the mail server, and ask the provider whether it filters port {r.Server?.Port ?? 25}; then probe again from {Who(run, baseline)}.");
        }

        return Finding(FindingCodes.InboundReset, run,
            $"{Who(run, baseline)} is refused connecting to {RunFacts.Target(r)} ({(code.Length > 0 ? code : "connection refused")}) while {Who(baseline, run)} connects",
            $"A device on the path from {Who(run, baseline)} answers with a TCP reset: the port is closed for those clients, or it is not forwarded to the mail server (a firewall rejecting it, or a NAT device with no forwarding rule).",
            $"Find the device that answers (the first hop that is not the mail server, e.g. the edge firewall or NAT router) and open or forward TCP {r.Server?.Port ?? 25} to the mail server.");
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
        return refusesClient
            ? Finding(FindingCodes.ServerRefusesClients, run,
                $"The server refuses {Who(run, baseline)} at {RunFacts.Name(step)} with {reply.Code}{(reply.EnhancedCode is { } e ? " " + e : "")} \"{reply.Text}\" while it accepts {Who(baseline, run)}",
                $"The mail server itself refuses clients from {Who(run, baseline)}: connection filtering by client address, an IP reputation or blocklist check, or relay/recipient rules that treat those clients differently.",
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

    /// <summary>The zone in words; the agent's name when the zone does not tell the two apart.</summary>
    private static string Who(ComparedRun run, ComparedRun other) =>
        run.Ref.Zone == ZoneNames.Unlabeled || run.Ref.Zone == other.Ref.Zone ? $"agent {run.Ref.Agent}" : run.Ref.Zone;

    private static ComparisonFinding Finding(string code, ComparedRun run, string summary, string cause, string next) =>
        new(code, char.ToUpperInvariant(summary[0]) + summary[1..], cause, next, [run.Ref.Zone], [run.Ref]);
}
