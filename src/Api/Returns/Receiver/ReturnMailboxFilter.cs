using System.Threading.RateLimiting;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Storage;

namespace SmtpProbeHub.Api.Returns.Receiver;

/// <summary>
/// The envelope checks, before any data is read: the null reverse path only (a DSN, RFC 3461 §6.2), within the rate,
/// and recipients that are valid return addresses of known recent runs. Anything else is refused: never a relay.
/// </summary>
internal sealed class ReturnMailboxFilter(ReturnAddresses addresses, IDeliveryReportStore reports, RateLimiter rate, ILogger logger) : IMailboxFilter
{
    public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
    {
        if (!IsNull(from))
        {
            logger.LogInformation("Return receiver refused MAIL FROM:<{From}>: not the null reverse path", from.AsAddress());
            throw ReturnReplies.NotNullSender();
        }

        using var lease = rate.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            logger.LogWarning("Return receiver over its rate (Hub:Returns:MessagesPerMinute): a report was deferred with 421");
            throw ReturnReplies.TooMany();
        }

        return Task.FromResult(true);
    }

    public async Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
    {
        if (!string.Equals(to.Host?.TrimEnd('.'), addresses.Domain, StringComparison.OrdinalIgnoreCase))
        {
            logger.LogInformation("Return receiver refused RCPT TO:<{To}>: not in the return domain (relaying denied)", to.AsAddress());
            throw ReturnReplies.RelayDenied();
        }

        if (addresses.RunOf(to.User ?? "", to.Host ?? "") is not { } runId || await reports.ProbeOfRunAsync(runId, cancellationToken) is null)
        {
            logger.LogInformation("Return receiver refused RCPT TO:<{To}>: not the return address of a known recent run", to.AsAddress());
            throw ReturnReplies.UnknownReturnAddress();
        }

        return true;
    }

    private static bool IsNull(IMailbox from) => string.IsNullOrEmpty(from.User) && string.IsNullOrEmpty(from.Host);
}
