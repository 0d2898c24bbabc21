using System.Globalization;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Agent.ProbeCommand;

/// <summary>
/// Writes a probe the way a person reads a telnet session: each line with its time and who sent it
/// (<c>&gt;</c> sent, <c>&lt;</c> received, <c>*</c> note, <c>~</c> TLS), then the steps, the verdict and the diagnosis.
/// Transcript lines are written as they happen (it is the run's observer).
/// </summary>
internal sealed class TranscriptWriter(TextWriter output) : IProbeObserver
{
    private readonly Lock _gate = new();

    public void OnTranscript(TranscriptEntry entry)
    {
        lock (_gate)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{entry.AtMs,9:0.0} ms {Marker(entry.Direction)} {entry.Text}"));
        }
    }

    public void WriteHeader(ProbePlan plan)
    {
        var target = plan.Server is null ? "the MX of " + Domain(plan.To[0]) : $"{plan.Server}:{plan.EffectivePort}";
        output.WriteLine($"Probe {plan.ProbeId}: {string.Join(", ", plan.To)} via {target}");
    }

    public void WriteSummary(ProbeResult result)
    {
        lock (_gate)
        {
            output.WriteLine();
            output.WriteLine("Steps:");
            foreach (var step in result.Steps)
            {
                var code = step.Reply?.Code.ToString(CultureInfo.InvariantCulture) ?? "-";
                var line = string.Create(CultureInfo.InvariantCulture, $"  {Name(step.Name),-9} {Name(step.Outcome),-9} {code,-4} {step.ElapsedMs,8:0.0} ms");
                output.WriteLine(step.Detail is null ? line : $"{line}  {step.Detail}");
            }

            if (result.QueueId is not null)
            {
                output.WriteLine($"Queued as {result.QueueId}");
            }

            if (result.Tls is { } tls)
            {
                output.WriteLine(Tls(tls));
            }

            output.WriteLine();
            if (result.Verdict == Verdict.Passed)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Verdict: passed ({result.DurationMs:0.0} ms)"));
                return;
            }

            var failed = result.FailedStep is { } name ? result.Steps.LastOrDefault(s => s.Name == name && s.Outcome != StepOutcome.Ok && s.Outcome != StepOutcome.Skipped) : null;
            // A refusal is told by the server's reply; an error or timeout by what the engine saw.
            var reply = failed switch
            {
                { Outcome: StepOutcome.Rejected, Reply: { } r } => $": {r.Code} {r.Text}",
                { Detail: { } detail } => $": {detail}",
                { Reply: { } r } => $": {r.Code} {r.Text}",
                _ => "",
            };
            output.WriteLine($"Verdict: FAILED at {(result.FailedStep is { } f ? Name(f) : "?")}{reply}");
            if (result.Diagnosis is { } diagnosis)
            {
                output.WriteLine($"Diagnosis: {diagnosis.Code}: {diagnosis.Summary}");
                output.WriteLine($"Hint: {diagnosis.Hint}");
            }
        }
    }

    private static string Tls(TlsReport tls)
    {
        var text = $"TLS: {tls.Protocol} {tls.CipherSuite}";
        if (tls.Certificate is not { } cert)
        {
            return text;
        }

        var trust = cert.SelfSigned ? "self-signed" : cert.ChainValid ? "trusted chain" : "untrusted chain";
        var problems = cert.ChainErrors.Count > 0 ? $" ({string.Join(", ", cert.ChainErrors)})" : "";
        var name = cert.NameMatches ? "name matches" : "name does not match";
        return string.Create(CultureInfo.InvariantCulture,
            $"{text}; certificate {cert.Subject}, {trust}{problems}, {name}, expires {cert.NotAfter:yyyy-MM-dd} (in {cert.DaysToExpiry} days)");
    }

    private static string Domain(string address) => address[(address.LastIndexOf('@') + 1)..];

    private static string Name<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static char Marker(TranscriptDirection direction) => direction switch
    {
        TranscriptDirection.Sent => '>',
        TranscriptDirection.Received => '<',
        TranscriptDirection.Tls => '~',
        _ => '*',
    };
}
