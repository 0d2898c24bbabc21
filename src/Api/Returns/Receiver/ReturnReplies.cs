using SmtpServer.Protocol;

namespace SmtpProbeHub.Api.Returns.Receiver;

/// <summary>The receiver's refusals: each says why, with its enhanced status code (RFC 3463).</summary>
internal static class ReturnReplies
{
    public static SmtpResponseException NotNullSender() =>
        Refuse(550, "5.7.1 Only delivery status notifications (MAIL FROM:<>) are accepted here");

    public static SmtpResponseException RelayDenied() =>
        Refuse(550, "5.7.1 Relaying denied: this server accepts reports for its return addresses only");

    public static SmtpResponseException UnknownReturnAddress() =>
        Refuse(550, "5.1.1 No such return address (unknown, forged or too old)");

    public static SmtpResponseException TooMany() =>
        new(new SmtpResponse((SmtpReplyCode)421, "4.7.0 Too many reports now, try again later"), quit: true);

    public static SmtpResponse NotADsn(string why) => new((SmtpReplyCode)550, $"5.6.0 Not a delivery status notification: {why}");

    public static SmtpResponse EnvelopeIdMismatch() =>
        new((SmtpReplyCode)550, "5.7.1 The report's Original-Envelope-Id does not match its return address");

    public static SmtpResponse StoreUnavailable() => new((SmtpReplyCode)451, "4.3.0 Cannot store the report now, try again later");

    private static SmtpResponseException Refuse(int code, string text) => new(new SmtpResponse((SmtpReplyCode)code, text));
}
