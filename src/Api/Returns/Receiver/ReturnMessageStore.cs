using System.Buffers;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Returns.Delivery;
using SmtpProbeHub.Api.Returns.Reports;
using SmtpProbeHub.Api.Storage;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace SmtpProbeHub.Api.Returns.Receiver;

/// <summary>
/// After DATA: the message must be a DSN (MimeKit) whose Original-Envelope-Id is the run its return address names;
/// then it is stored with the run and the run's delivery stage hears of it. A forged or foreign report is refused
/// with 550 and not stored.
/// </summary>
internal sealed class ReturnMessageStore(
    ReturnAddresses addresses, IDeliveryReportStore reports, DeliveryStage stage, IOptions<ReturnsOptions> options, TimeProvider time, ILogger logger) : IMessageStore
{
    public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        var runs = transaction.To.Select(to => addresses.RunOf(to.User ?? "", to.Host ?? "")).OfType<Guid>().ToHashSet();
        var (report, problem) = DsnParser.Parse(buffer.ToArray(), Guid.Empty, time.GetUtcNow(), options.Value.MaxStoredBytes);
        if (report is null)
        {
            logger.LogInformation("Return receiver refused a message: {Problem}", problem);
            return ReturnReplies.NotADsn(problem!);
        }

        if (!Guid.TryParse(report.EnvelopeId, out var runId) || !runs.Contains(runId))
        {
            logger.LogInformation("Return receiver refused a report with Original-Envelope-Id {EnvelopeId}: not the run of its return address", report.EnvelopeId);
            return ReturnReplies.EnvelopeIdMismatch();
        }

        try
        {
            var probeId = await reports.ProbeOfRunAsync(runId, cancellationToken);
            if (probeId is null)
            {
                return ReturnReplies.EnvelopeIdMismatch();
            }

            // Announced before the store: a waiter that sees the stored report must not end the stream before its event.
            stage.ReportStoring(probeId.Value);
            try
            {
                await reports.AddAsync(report with { RunId = runId }, cancellationToken);
            }
            catch
            {
                stage.ReportNotStored(probeId.Value);
                throw;
            }

            logger.LogInformation("Return receiver stored a report for run {RunId}: {Actions}", runId, string.Join(", ", report.Recipients.Select(r => r.Action)));
            await stage.ReportStoredAsync(probeId.Value, runId, cancellationToken);
            return SmtpResponse.Ok;
        }
        catch (Exception ex) when (StorageHealth.IsUnavailable(ex))
        {
            // Temporary: the reporting MTA keeps the report and tries again.
            logger.LogWarning("Return receiver could not store a report for run {RunId}: {Reason}", runId, ex.Message);
            return ReturnReplies.StoreUnavailable();
        }
    }
}
