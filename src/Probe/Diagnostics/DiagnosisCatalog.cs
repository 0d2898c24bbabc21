using SmtpProbeHub.Probe.Model;
using static SmtpProbeHub.Probe.Diagnostics.DiagnosisCodes;

namespace SmtpProbeHub.Probe.Diagnostics;

/// <summary>Every diagnosis code with its one-line summary and a hint a mail administrator can act on.</summary>
public static class DiagnosisCatalog
{
    // Each summary says what was observed first, then (after a colon) the likely cause, and claims no more than the
    // observation shows; the probe appends the detail (the server's reply, the addresses tried) in parentheses.
    private static readonly Dictionary<string, (string Summary, string Hint)> Entries = new()
    {
        [InputInvalid] = ("The probe's input was refused before connecting; nothing was sent.", "Correct the fields named in the summary and run the probe again."),
        [InputSmtpUtf8Unsupported] = ("An address or the AUTH user name contains non-ASCII characters but the server does not offer SMTPUTF8; it was not sent.", "Use an ASCII address or user name, or enable SMTPUTF8 (RFC 6531) on the server."),
        [DnsNoMx] = ("DNS has no MX record for the domain and no A/AAAA address to fall back to (RFC 5321 §5.1).", "Publish an MX record for the domain (check with nslookup -type=mx), or give the server explicitly."),
        [DnsNxDomain] = ("DNS answered that the domain does not exist (NXDOMAIN).", "Check the spelling of the recipient domain, and that its zone is delegated and published (from an outside agent: in the public DNS)."),
        [DnsFailure] = ("The DNS lookup got no usable answer (no answer in time, or a server failure).", "Check that the DNS servers this agent uses are reachable and answer, and that the domain's own name servers answer for it (a broken delegation looks the same)."),
        [DnsNullMx] = ("The domain publishes a null MX (\".\"), which declares that it accepts no mail (RFC 7505).", "If the domain should receive mail, replace the null MX with a real MX record."),
        [DnsNoAddress] = ("The mail host name has no A/AAAA address in DNS.", "Publish an A (or AAAA) record for the host the MX points to, or fix the server name."),
        [ConnectRefused] = ("The connection was actively refused (TCP reset): no service listens on that port, or a firewall on the way rejects the connection.", "Is the SMTP service started, and listening on this address and port? If it is, look for a firewall (on the path or on the server's host) that rejects the port from here; a probe from another vantage point tells the two apart."),
        [ConnectTimeout] = ("No answer to the TCP connection attempt within the timeout: the attempt was dropped silently (typically by a firewall), or no host is up at this address.", "Check firewalls and security groups between this agent and the server, and that port 25 is open from here (many ISPs block it); check that the server is up at this address."),
        [TargetNotAllowed] = ("Not connected: the target policy does not allow this address or port, so no packet was sent.", "Probe an allowed target, or ask the operator to list this network or port in the hub's or the agent's target policy."),
        [ProtocolNotSmtp] = ("Something answered on this port, but not with an SMTP greeting.", "Check that the address and port belong to a mail server (another service answers here)."),
        [ConnectUnreachable] = ("The network or host is unreachable from this agent (no route, or a router on the way reported it unreachable).", "Check routing from this agent to the server's address, and that the address is right."),
        [ConnectFailed] = ("The TCP connection could not be made.", "Check that the address is right and reachable from this agent."),
        [BannerRefused] = ("The server greeted with a permanent refusal (5xx, usually 554) instead of 220: it takes no mail in this session.", "Usually it refuses this client's address (blocklist, connection rule), or it takes no mail here at all; the reply text often says which. Check its connection policy and log."),
        [BannerUnavailable] = ("The server greeted with a temporary refusal (4xx, usually 421 \"service not available\") instead of 220.", "The service is overloaded, shutting down or limiting this client (connection rate limit): retry later and check the server's log."),
        [RcptUnknownUser] = ("The server refused the recipient as unknown (typically 550 5.1.1: no such mailbox).", "Check the address's spelling and that the mailbox exists (directory, aliases, recipient table)."),
        [RcptRelayDenied] = ("The server refused the recipient by policy (typically 5.7.1, delivery not authorised): relaying denied, or a rule against this client.", "Read the reply text: \"Relay access denied\" means the server does not take mail for this domain from this client (check its accepted/relay domains, or authenticate); \"Client host rejected\" or a blocklist's name means it refuses this client's address."),
        [RcptMailboxFull] = ("The server reports that the recipient's mailbox is full (5.2.2 or 4.2.2).", "Ask the recipient to free space, or raise the quota."),
        [AuthRequired] = ("The server refused the command until the client authenticates (530).", "Give credentials (auth) in the probe, or allow this client to send without them."),
        [AuthFailed] = ("The server rejected the credentials (535).", "Check the user name and password, and that the account may send mail."),
        [AuthRequiresTls] = ("Authentication needs an encrypted connection, and this one is not encrypted.", "Use tls: opportunistic or required with a server that offers STARTTLS, or allow AUTH without TLS explicitly."),
        [AuthNotOffered] = ("The chosen AUTH mechanism is not available: the server does not advertise it, or refused it (504).", "Check the AUTH line of the EHLO reply and pick a mechanism the server offers (often only after STARTTLS)."),
        [MailSenderRejected] = ("The server refused the sender address (MAIL FROM) permanently.", "Read the reply text: the sender domain's policy (SPF, DMARC), sender restrictions, or a refusal of this client (the KB: some servers refuse a sender whose domain does not match the connecting address). Use a valid sender."),
        [MessageTooLarge] = ("The server refused the message size (552: exceeded storage allocation).", "The message is larger than the server accepts (or a quota is reached): send a smaller message, or raise the server's limit."),
        [StarttlsNotOffered] = ("TLS is required but the server's EHLO reply does not list STARTTLS.", "Enable STARTTLS on the server, or check for a middlebox that strips it from the EHLO reply."),
        [TlsHandshakeFailed] = ("The TLS handshake failed.", "Check the server's TLS configuration: certificate, protocol versions and ciphers."),
        [TlsCertificateExpired] = ("The server's certificate has expired (or is not yet valid).", "Renew the certificate and reload the mail server."),
        [TlsNameMismatch] = ("The server's certificate does not name the host connected to.", "Add the host name to the certificate's subject alternative names, or connect by the name it has."),
        [TlsUntrusted] = ("The server's certificate does not chain to a trusted root (self-signed, unknown issuer, or an incomplete chain).", "Use a certificate from a trusted CA, and send the full chain (intermediates)."),
        [ProtocolViolation] = ("The peer sent something that is not an SMTP reply.", "Is this an SMTP server, or a proxy, web server or filter in the way?"),
        [ProtocolReplyTooLong] = ("The server sent a reply longer than the probe accepts.", "A misbehaving server or a middlebox: check what listens on this port."),
        [ProtocolUnexpectedReply] = ("The server sent a reply code that does not fit this step.", "Compare the reply with RFC 5321; a filter or proxy may be in the way."),
        [ConnectionClosed] = ("The connection was closed before the expected reply (by the server, or by a device in between).", "Check the server's log for the session; a filter or firewall may end sessions at this step."),
        [ConnectionReset] = ("The connection was reset (TCP reset) during the session.", "Something between this agent and the server, or the server itself, aborted the session: check firewalls and logs."),
        [ServerClosing] = ("The server answered 421: service not available, closing the connection.", "The service is shutting down or limiting this client: retry later and check the server's log."),
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
            "unrecognized" => ($"{step}: the server answered that the command is not recognised or not implemented (500/502).", "Command not recognised: is this an SMTP server, or a proxy in the way?"),
            "temporary" => ($"{step} was refused temporarily (4xx).", "A transient refusal (RFC 5321: 4yz), often greylisting, a rate limit or a passing local problem; the reply text says which. Retry later, as a real mail server would."),
            "rejected" => ($"{step} was refused (5xx).", "Read the server's reply text and check its policy and logs."),
            "unexpected_reply" => ($"{step} got an unexpected reply.", "Compare the reply with RFC 5321; a filter or proxy may be in the way."),
            "unavailable" => ($"{step} is not available right now.", "Retry later; check the server's logs."),
            _ => ("The probe failed.", "See the transcript."),
        };
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
