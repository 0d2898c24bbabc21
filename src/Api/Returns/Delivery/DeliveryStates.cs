using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Returns.Reports;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Returns.Delivery;

/// <summary>
/// A confirming run's delivery, worked out on reading from what is stored: the run's result (was DSN advertised, was
/// the message accepted, when) and the reports that came back. Nothing is stored for pending or noReport: they follow
/// from the time, so a report that arrives late simply turns noReport into what it says.
/// </summary>
internal static class DeliveryStates
{
    /// <summary>The delivery of a run, or null when the plan does not confirm or the run has not completed.</summary>
    public static DeliveryView? Of(RunRecord run, ProbePlan plan, DateTimeOffset now)
    {
        if (plan.Dsn is not { Confirm: true } dsn || run.Status != RunStatus.Completed || run.Result is not { } result)
        {
            return null;
        }

        var sent = result.Transcript.FirstOrDefault(t => t.Direction == TranscriptDirection.Sent && t.Text.StartsWith("MAIL FROM:<", StringComparison.Ordinal))?.Text;
        var returnPath = sent is null ? null : sent["MAIL FROM:<".Length..sent.IndexOf('>', StringComparison.Ordinal)];
        // No EHLO capabilities (HELO fallback) means no DSN either.
        if (result.Capabilities is not { Dsn: true } && result.Steps.Any(s => s.Name == StepName.Mail))
        {
            return NotRequested(returnPath, "the server does not advertise DSN (RFC 3461): no delivery report was asked for, so none can confirm delivery");
        }

        if (result.Steps.LastOrDefault(s => s.Name == StepName.Message) is not { Outcome: StepOutcome.Ok } message)
        {
            return NotRequested(returnPath, result.FailedStep is { } failed
                ? $"the message was not accepted (the run failed at {failed.ToString().ToLowerInvariant()}): there is nothing to deliver"
                : "the message was not sent (quitAfter): there is nothing to deliver");
        }

        var acceptedAt = message.StartedAt.AddMilliseconds(message.ElapsedMs);
        var waitUntil = acceptedAt.AddSeconds(dsn.WaitSeconds ?? DsnPlan.DefaultWaitSeconds);
        var accepted = result.Steps.Where(s => s.Name == StepName.Rcpt).Select((step, i) => (step, recipient: i < plan.To.Count ? plan.To[i] : null))
            .Where(r => r.step.Outcome == StepOutcome.Ok && r.recipient is not null).Select(r => r.recipient!).ToList();
        var recipients = accepted.Select(to => RecipientOf(to, accepted.Count == 1, run.Reports, acceptedAt, waitUntil, now)).ToList();
        return new DeliveryView
        {
            State = Overall(recipients),
            ReturnPath = returnPath,
            AcceptedAt = acceptedAt,
            WaitUntil = waitUntil,
            Recipients = recipients,
            Reports = [.. run.Reports.Select(r => new ReceivedReport(r.ReceivedAt, r.ReportingMta, r.RawBytes, r.RawTruncated, r.Raw))],
        };
    }

    /// <summary>True when nothing more is awaited: no recipient is pending.</summary>
    public static bool Settled(DeliveryView? delivery) => delivery is null || delivery.Recipients.All(r => r.State != DeliveryState.Pending);

    private static RecipientDelivery RecipientOf(string recipient, bool only, IReadOnlyList<DsnReport> reports, DateTimeOffset acceptedAt, DateTimeOffset waitUntil, DateTimeOffset now)
    {
        // The report names the recipient by Original-Recipient (ORCPT) or, after rewriting, only by Final-Recipient;
        // with a single recipient any report of the run is about it. A final action outranks a delay warning.
        var found = reports.SelectMany(r => r.Recipients.Select(part => (report: r, part)))
            .Where(x => only || Names(x.part, recipient))
            .OrderBy(x => x.part.Action == "delayed" ? 0 : 1).ThenBy(x => x.report.ReceivedAt)
            .LastOrDefault();
        if (found.report is not { } report)
        {
            return new RecipientDelivery { Recipient = recipient, State = now < waitUntil ? DeliveryState.Pending : DeliveryState.NoReport };
        }

        var part = found.part;
        return new RecipientDelivery
        {
            Recipient = recipient,
            State = part.Action switch
            {
                "delivered" => DeliveryState.Delivered,
                "relayed" => DeliveryState.Relayed,
                "expanded" => DeliveryState.Expanded,
                "delayed" => DeliveryState.Delayed,
                _ => DeliveryState.Failed,
            },
            Status = part.Status,
            DiagnosticCode = part.DiagnosticCode,
            ReportingMta = report.ReportingMta,
            RemoteMta = part.RemoteMta,
            ArrivalDate = report.ArrivalDate,
            ReportedAt = report.ReceivedAt,
            LatencyMs = Math.Round((report.ReceivedAt - acceptedAt).TotalMilliseconds, 1),
            Late = report.ReceivedAt > waitUntil,
        };
    }

    private static bool Names(DsnRecipient part, string recipient) =>
        string.Equals(part.OriginalRecipient, recipient, StringComparison.OrdinalIgnoreCase)
        || string.Equals(part.FinalRecipient, recipient, StringComparison.OrdinalIgnoreCase);

    private static readonly DeliveryState[] Attention =
        [DeliveryState.Failed, DeliveryState.NoReport, DeliveryState.Delayed, DeliveryState.Pending, DeliveryState.Relayed, DeliveryState.Expanded, DeliveryState.Delivered];

    private static DeliveryState Overall(List<RecipientDelivery> recipients) =>
        recipients.Count == 0 ? DeliveryState.NotRequested : Attention.First(state => recipients.Any(r => r.State == state));

    private static DeliveryView NotRequested(string? returnPath, string reason) =>
        new() { State = DeliveryState.NotRequested, Reason = reason, ReturnPath = returnPath };
}
