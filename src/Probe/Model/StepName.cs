namespace SmtpProbeHub.Probe.Model;

/// <summary>The named steps of the KB 153119 sequence. Names are part of the public contract (lower case in JSON).</summary>
public enum StepName
{
    /// <summary>DNS: MX of the recipient domain (or A/AAAA of the given server).</summary>
    Resolve,
    /// <summary>TCP connect, each address in turn.</summary>
    Connect,
    /// <summary>Wait for the server's 220 greeting.</summary>
    Banner,
    /// <summary>EHLO and its capabilities.</summary>
    Ehlo,
    /// <summary>HELO, only when EHLO is refused.</summary>
    Helo,
    /// <summary>STARTTLS, the handshake, and EHLO again.</summary>
    Starttls,
    /// <summary>AUTH PLAIN or LOGIN.</summary>
    Auth,
    /// <summary>MAIL FROM.</summary>
    Mail,
    /// <summary>RCPT TO, one step per recipient.</summary>
    Rcpt,
    /// <summary>DATA, expecting 354.</summary>
    Data,
    /// <summary>Headers and body, dot-stuffed, ended by a lone ".".</summary>
    Message,
    /// <summary>QUIT, expecting 221.</summary>
    Quit,
}
