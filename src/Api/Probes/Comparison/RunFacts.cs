using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Probes.Comparison;

/// <summary>Facts about one result that the comparison rules ask for.</summary>
internal static class RunFacts
{
    public static string OutcomeKey(ProbeResult r) => r.Verdict == Verdict.Passed
        ? "passed"
        : $"failed at {Name(r.FailedStep)}" + (r.Diagnosis is { } d ? $" ({d.Code})" : "");

    public static string Name(StepName? step) => step?.ToString().ToLowerInvariant() ?? "an unknown step";

    /// <summary>True when the run got past <paramref name="step"/> (passed, or failed at a later step).</summary>
    public static bool GotPast(ProbeResult r, StepName step) => r.Verdict == Verdict.Passed || r.FailedStep is { } failed && failed > step;

    /// <summary>The step that failed, as recorded.</summary>
    public static ProbeStep? FailedStepRecord(ProbeResult r) =>
        r.FailedStep is { } name ? r.Steps.LastOrDefault(s => s.Name == name && s.Outcome is not (StepOutcome.Ok or StepOutcome.Skipped)) : null;

    /// <summary>True when the server answered EHLO, so what it advertised is known.</summary>
    public static bool SawEhlo(ProbeResult r) => r.Steps.Any(s => s.Name == StepName.Ehlo && s.Outcome == StepOutcome.Ok);

    /// <summary>
    /// True when the server offered STARTTLS. After a successful STARTTLS the second EHLO no longer lists it,
    /// so a STARTTLS attempt or a TLS report counts as offered too.
    /// </summary>
    public static bool StartTlsOffered(ProbeResult r) =>
        r.Tls is not null
        || r.Capabilities?.StartTls == true
        || r.Steps.Any(s => s.Name == StepName.Starttls && s.Outcome != StepOutcome.Skipped && s.Reply is not null);

    public static string? Thumbprint(ProbeResult r) => r.Tls?.Certificate?.Thumbprint;

    /// <summary>The mail hosts and addresses DNS gave, in a comparable form; null when no lookup was made.</summary>
    public static IReadOnlySet<string>? ResolvedTargets(ProbeResult r) => r.Resolution is { } res
        ? res.Hosts.SelectMany(h => h.Addresses.Count == 0 ? [h.Name.ToLowerInvariant().TrimEnd('.')] : h.Addresses.Select(a => $"{h.Name.ToLowerInvariant().TrimEnd('.')}={a}")).ToHashSet()
        : null;

    /// <summary>The mail host names DNS gave, lower case without the final dot; empty when no lookup was made.</summary>
    public static IReadOnlySet<string> MailHostNames(ProbeResult r) =>
        r.Resolution?.Hosts.Select(h => h.Name.ToLowerInvariant().TrimEnd('.')).ToHashSet() ?? new HashSet<string>();

    /// <summary>A reply as it came on the wire, once: "554 5.7.1 Access denied" (the enhanced code is part of the text already).</summary>
    public static string Quote(SmtpReply reply)
    {
        var text = reply.Text;
        return reply.EnhancedCode is { } enhanced && !text.StartsWith(enhanced, StringComparison.Ordinal)
            ? $"{reply.Code} {enhanced} {text}".TrimEnd()
            : $"{reply.Code} {text}".TrimEnd();
    }

    public static string DescribeResolution(ProbeResult r) => r.Resolution is { Hosts.Count: > 0 } res
        ? string.Join(", ", res.Hosts.Select(h => h.Addresses.Count == 0 ? h.Name : $"{h.Name} ({string.Join(", ", h.Addresses)})"))
        : "no mail host";

    /// <summary>"mx.corp.test (192.0.2.25) port 25": the name, and the address(es) tried when no connection was made.</summary>
    public static string Target(ProbeResult r)
    {
        if (r.Server is not { } s)
        {
            return "the server";
        }

        var addresses = s.Address is { } address
            ? [address]
            : r.Resolution?.Hosts.FirstOrDefault(h => string.Equals(h.Name.TrimEnd('.'), s.Host.TrimEnd('.'), StringComparison.OrdinalIgnoreCase))?.Addresses ?? [];
        var named = addresses.Count == 0 || addresses.Contains(s.Host) ? s.Host : $"{s.Host} ({string.Join(", ", addresses)})";
        return $"{named} port {s.Port}";
    }
}
