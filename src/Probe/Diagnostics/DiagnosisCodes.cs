namespace SmtpProbeHub.Probe.Diagnostics;

/// <summary>
/// The stable diagnosis codes. Step-specific families are built as "{step}.{kind}" (e.g. "mail.unrecognized",
/// "ehlo.timeout"); <see cref="DiagnosisCatalog"/> describes every one.
/// </summary>
public static class DiagnosisCodes
{
#pragma warning disable CS1591 // the names say it; DiagnosisCatalog holds the words
    public const string InputInvalid = "input.invalid";
    public const string InputSmtpUtf8Unsupported = "input.smtputf8_unsupported";
    public const string DnsNoMx = "dns.no_mx";
    public const string DnsNxDomain = "dns.nxdomain";
    public const string DnsFailure = "dns.failure";
    public const string DnsNullMx = "dns.null_mx";
    public const string DnsNoAddress = "dns.no_address";
    public const string ConnectRefused = "connect.refused";
    public const string ConnectTimeout = "connect.timeout";
    public const string ConnectUnreachable = "connect.unreachable";
    public const string ConnectFailed = "connect.failed";
    public const string TargetNotAllowed = "connect.not_allowed";
    public const string ProtocolNotSmtp = "protocol.not_smtp";
    public const string BannerRefused = "banner.refused";
    public const string BannerUnavailable = "banner.unavailable";
    public const string RcptUnknownUser = "rcpt.unknown_user";
    public const string RcptRelayDenied = "rcpt.relay_denied";
    public const string RcptMailboxFull = "rcpt.mailbox_full";
    public const string AuthRequired = "auth.required";
    public const string AuthFailed = "auth.failed";
    public const string AuthRequiresTls = "auth.requires_tls";
    public const string AuthNotOffered = "auth.not_offered";
    public const string MailSenderRejected = "mail.sender_rejected";
    public const string MessageTooLarge = "message.too_large";
    public const string StarttlsNotOffered = "starttls.not_offered";
    public const string TlsHandshakeFailed = "tls.handshake_failed";
    public const string TlsCertificateExpired = "tls.certificate_expired";
    public const string TlsNameMismatch = "tls.name_mismatch";
    public const string TlsUntrusted = "tls.untrusted";
    public const string ProtocolViolation = "protocol.violation";
    public const string ProtocolReplyTooLong = "protocol.reply_too_long";
    public const string ProtocolUnexpectedReply = "protocol.unexpected_reply";
    public const string ConnectionClosed = "connection.closed";
    public const string ConnectionReset = "connection.reset";
    public const string ServerClosing = "server.closing";
    public const string ProbeTimeout = "probe.timeout";
#pragma warning restore CS1591

    /// <summary>"{step}.{kind}", e.g. "rcpt.temporary".</summary>
    public static string For(Model.StepName step, string kind) => $"{step.ToString().ToLowerInvariant()}.{kind}";
}
