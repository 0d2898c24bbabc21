namespace SmtpProbeHub.Api.Tests.Returns;

/// <summary>Delivery status notifications as Postfix writes them (RFC 3464), for the receiver's and the parser's tests.</summary>
internal static class Dsns
{
    public static string Report(string envelopeId, string recipient, string action = "delivered", string status = "2.0.0", string diagnostic = "X-Postfix; delivery via discard: delivered") => $"""
        From: MAILER-DAEMON@mx.corp.test (Mail Delivery System)
        Subject: Successful Mail Delivery Report
        To: probe@returns.test
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND"

        --B0UND
        Content-Type: text/plain; charset=us-ascii

        This is the mail system at host mx.corp.test.

        --B0UND
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.corp.test
        X-Postfix-Queue-ID: 4ABCDEF
        Arrival-Date: Fri,  4 Dec 2026 16:20:01 +0000 (UTC)
        Original-Envelope-Id: {envelopeId}

        Final-Recipient: rfc822; {recipient}
        Original-Recipient: rfc822;{recipient}
        Action: {action}
        Status: {status}
        Remote-MTA: dns; next.corp.test
        Diagnostic-Code: {diagnostic}

        --B0UND
        Content-Type: text/rfc822-headers

        Subject: test message

        --B0UND--
        """.ReplaceLineEndings("\r\n");
}
