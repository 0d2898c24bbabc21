using SmtpProbeHub.Probe.Model;
using static SmtpProbeHub.Probe.Diagnostics.DiagnosisCodes;

namespace SmtpProbeHub.Probe.Diagnostics;

/// <summary>Every diagnosis code with its one-line summary and a hint a mail administrator can act on.</summary>
public static class DiagnosisCatalog
{
    private static readonly Dictionary<string, (string Summary, string Hint)> Entries = new()
    {
        [InputInvalid] = ("The probe's input was refused before connecting; nothing was sent.", "Correct the fields named in the summary and run the probe again."),
        [InputSmtpUtf8Unsupported] = ("An address or the AUTH user name contains non-ASCII characters but the server does not offer SMTPUTF8; it was not sent.", "Use an ASCII address or user name, or enable SMTPUTF8 (RFC 6531) on the server."),
        [DnsNoMx] = ("The domain has no MX record and no A/AAAA address to fall back to.", "Publish an MX record for the domain (check with nslookup -type=mx), or give the server explicitly."),
        [DnsNxDomain] = ("The domain does not exist in DNS (NXDOMAIN).", "Check the spelling of the recipient domain, and that its zone is delegated and published."),
        [DnsFailure] = ("The DNS lookup failed (no answer, or a server failure).", "Check that the DNS servers this agent uses are reachable and answer for the domain."),
        [DnsNullMx] = ("The domain publishes a null MX (\".\"): it accepts no mail at all (RFC 7505).", "If the domain should receive mail, replace the null MX with a real MX record."),
        [DnsNoAddress] = ("The mail host name has no A/AAAA address.", "Publish an A (or AAAA) record for the host the MX points to, or fix the server name."),
        [ConnectRefused] = ("The connection was refused: nothing listens on that port.", "Is the SMTP service started, and listening on this address and port?"),
        [ConnectTimeout] = ("No answer to the TCP connection attempt: something drops the connection.", "Check firewalls and security groups between this agent and the server, and that port 25 is open from here (many ISPs block it)."),
        [TargetNotAllowed] = ("Not connected: the target policy does not allow this address or port, so no packet was sent.", "Probe an allowed target, or ask the operator to list this network or port in the hub's or the agent's target policy."),
        [ProtocolNotSmtp] = ("Something answered on this port, but not with an SMTP greeting.", "Check that the address and port belong to a mail server (another service answers here)."),
        [ConnectUnreachable] = ("The network or host is unreachable from this agent.", "Check routing from this agent to the server's address."),
        [ConnectFailed] = ("The TCP connection could not be made.", "Check that the address is right and reachable from this agent."),
        [BannerRefused] = ("The server refuses this client at the greeting (554).", "The server blocks this client's address (blocklist, access rule): check its connection policy and logs."),
        [BannerUnavailable] = ("The server is not accepting connections right now (421 at the greeting).", "The service is overloaded, shutting down or rate-limiting this client: retry later and check the server's logs."),
        [RcptUnknownUser] = ("The recipient does not exist on this server (550 5.1.1).", "Check the address's spelling and that the mailbox exists (directory, aliases, recipient table)."),
        [RcptRelayDenied] = ("The server refuses to relay to this recipient (5.7.1).", "The server does not consider itself responsible for this domain: check its accepted/relay domains, or authenticate."),
        [RcptMailboxFull] = ("The recipient's mailbox is full (5.2.2).", "Ask the recipient to free space, or raise the quota."),
        [AuthRequired] = ("The server requires authentication (530).", "Give credentials (auth) in the probe, or allow this client to send without them."),
        [AuthFailed] = ("The server rejected the credentials (535).", "Check the user name and password, and that the account may send mail."),
        [AuthRequiresTls] = ("Credentials were not sent: the connection is not encrypted.", "Use tls: opportunistic or required with a server that offers STARTTLS, or allow AUTH without TLS explicitly."),
        [AuthNotOffered] = ("The server does not offer the chosen AUTH mechanism.", "Check the AUTH line of the EHLO reply and pick a mechanism the server offers (often only after STARTTLS)."),
        [MailSenderRejected] = ("The server refused the sender address.", "Check the sender domain's policy (SPF, sender restrictions) and use a valid sender."),
        [MessageTooLarge] = ("The message is larger than the server accepts (552).", "Send a smaller message, or raise the server's message size limit."),
        [StarttlsNotOffered] = ("TLS is required but the server does not offer STARTTLS.", "Enable STARTTLS on the server, or check for a middlebox that strips it from the EHLO reply."),
        [TlsHandshakeFailed] = ("The TLS handshake failed.", "Check the server's TLS configuration: certificate, protocol versions and ciphers."),
        [TlsCertificateExpired] = ("The server's certificate has expired (or is not yet valid).", "Renew the certificate and reload the mail server."),
        [TlsNameMismatch] = ("The server's certificate does not name the host connected to.", "Add the host name to the certificate's subject alternative names, or connect by the name it has."),
        [TlsUntrusted] = ("The server's certificate is not trusted (self-signed or unknown issuer).", "Use a certificate from a trusted CA, and send the full chain (intermediates)."),
        [ProtocolViolation] = ("The server sent something that is not an SMTP reply.", "Is this an SMTP server, or a proxy, web server or filter in the way?"),
        [ProtocolReplyTooLong] = ("The server sent a reply longer than the probe accepts.", "A misbehaving server or a middlebox: check what listens on this port."),
        [ProtocolUnexpectedReply] = ("The server sent an unexpected reply code.", "Compare the reply with RFC 5321; a filter or proxy may be in the way."),
        [ConnectionClosed] = ("The server closed the connection unexpectedly.", "Check the server's logs; a filter may drop the session at this step."),
        [ConnectionReset] = ("The connection was reset.", "Something between this agent and the server, or the server itself, aborted the session: check firewalls and logs."),
        [ServerClosing] = ("The server is closing the connection (421).", "The service is shutting down or limiting this client: retry later and check the server's logs."),
        [ProbeTimeout] = ("The whole probe ran out of time.", "Raise timeouts.totalSeconds, or see which step was slow."),
    };

    /// <summary>The diagnosis for a code; <paramref name="detail"/> (e.g. the server's reply) is added to the summary.</summary>
    public static Diagnosis Describe(string code, string? detail = null)
    {
        var (summary, hint) = Entries.TryGetValue(code, out var entry) ? entry : Family(code);
        if (!string.IsNullOrWhiteSpace(detail))
        {
            summary = $"{summary} ({Shorten(detail)})";
        }

        return new Diagnosis(code, summary, hint);
    }

    /// <summary>Every fixed code (step families such as "{step}.timeout" are not listed one by one).</summary>
    public static IReadOnlyCollection<string> KnownCodes => Entries.Keys;

    private static (string, string) Family(string code)
    {
        var dot = code.IndexOf('.', StringComparison.Ordinal);
        var step = dot > 0 ? code[..dot].ToUpperInvariant() : "the command";
        return (dot > 0 ? code[(dot + 1)..] : code) switch
        {
            "timeout" => ($"No complete answer to {step} within its timeout.", "The server or something in between stalls: check its load, tarpitting or a filter, or raise the timeout."),
            "unrecognized" => ($"{step}: command not recognised (500/502).", "Command not recognised: is this an SMTP server, or a proxy in the way?"),
            "temporary" => ($"{step} was refused temporarily (4xx).", "Greylisting or a rate limit: retry later; a real mail server would."),
            "rejected" => ($"{step} was refused (5xx).", "Read the server's reply text and check its policy and logs."),
            "unexpected_reply" => ($"{step} got an unexpected reply.", "Compare the reply with RFC 5321; a filter or proxy may be in the way."),
            "unavailable" => ($"{step} is not available right now.", "Retry later; check the server's logs."),
            _ => ("The probe failed.", "See the transcript."),
        };
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
