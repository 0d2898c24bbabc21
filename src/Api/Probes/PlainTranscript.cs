using System.Globalization;
using System.Text;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Probes;

/// <summary>
/// A probe as plain text for a ticket or an e-mail: the comparison first, then each run's verdict, diagnosis and
/// telnet-style transcript. Lines are marked as curl -v marks them (<c>&gt;</c> sent, <c>&lt;</c> received,
/// <c>*</c> note, <c>~</c> TLS), with the time since the run started, so the text reads without the JSON.
/// The results page's "Copy as text" button copies exactly this.
/// </summary>
internal static class PlainTranscript
{
    public static string Of(ProbeView probe)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"SmtpProbeHub probe {probe.Id}, created {probe.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC, {Name(probe.Status)}\n");
        text.Append(CultureInfo.InvariantCulture, $"Server: {probe.Server ?? "(MX of the recipient domain)"}; to: {string.Join(", ", probe.To)}\n");
        if (probe.Comparison is { } comparison)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nComparison: {(comparison.Agree ? "the vantage points agree" : "the vantage points differ")}. {comparison.Summary}\n");
            foreach (var finding in comparison.Findings)
            {
                // The comparison's summary is its first finding's: not repeated.
                var summary = finding.Summary == comparison.Summary ? "" : " " + finding.Summary;
                text.Append(CultureInfo.InvariantCulture, $"  {finding.Code} ({Name(finding.Kind)}):{summary}\n");
                text.Append(CultureInfo.InvariantCulture, $"    Cause: {finding.Cause}\n    Next step: {finding.NextStep}\n");
            }
        }

        foreach (var run in probe.Runs)
        {
            AppendRun(text, run);
        }

        return text.ToString();
    }

    private static void AppendRun(StringBuilder text, RunView run)
    {
        var zone = run.Agent.Labels.TryGetValue("zone", out var z) ? $", zone {z}" : "";
        var outcome = run.Verdict switch
        {
            Verdict.Passed => "passed",
            Verdict.Failed => run.FailedStep is { } step ? $"failed at {Name(step)}" : "failed",
            _ => Name(run.Status),
        };
        text.Append(CultureInfo.InvariantCulture, $"\n=== {run.Agent.Name}{zone}: {outcome}");
        text.Append(run.DurationMs is { } ms ? string.Create(CultureInfo.InvariantCulture, $" in {ms:0.#} ms ===\n") : " ===\n");
        if (run.Server is { } server)
        {
            text.Append(CultureInfo.InvariantCulture, $"Server: {server.Host} ({server.Address ?? "no address"}) port {server.Port}\n");
        }

        if (run.Diagnosis is { } diagnosis)
        {
            text.Append(CultureInfo.InvariantCulture, $"Diagnosis: {diagnosis.Code}: {diagnosis.Summary}\nHint: {diagnosis.Hint}\n");
        }

        if (run.Tls?.Certificate is { } certificate)
        {
            text.Append(CultureInfo.InvariantCulture, $"TLS: {run.Tls.Protocol}, {run.Tls.CipherSuite}; certificate {certificate.Subject}, issued by {certificate.Issuer}, ");
            text.Append(CultureInfo.InvariantCulture, $"valid until {certificate.NotAfter:yyyy-MM-dd} ({certificate.DaysToExpiry} days)");
            text.Append(certificate.ChainValid ? ", chain valid" : $", chain not valid ({string.Join(", ", certificate.ChainErrors)})");
            text.Append(certificate.NameMatches ? ", name matches\n" : ", name does not match\n");
        }

        if (run.QueueId is { } queueId)
        {
            text.Append(CultureInfo.InvariantCulture, $"Queue id: {queueId}\n");
        }

        foreach (var line in run.Transcript)
        {
            // Fixed-width time so the markers line up as in a terminal.
            text.Append(CultureInfo.InvariantCulture, $"{line.AtMs,9:0.0} ms {Marker(line.Direction)} {line.Text}\n");
        }
    }

    private static char Marker(TranscriptDirection direction) => direction switch
    {
        TranscriptDirection.Sent => '>',
        TranscriptDirection.Received => '<',
        TranscriptDirection.Tls => '~',
        _ => '*',
    };

    /// <summary>The enum value as the JSON spells it (camelCase), so the text and the API use the same words.</summary>
    private static string Name<T>(T value) where T : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
