namespace SmtpProbeHub.Api.Returns;

/// <summary>
/// The return-path receiver (section <c>Hub:Returns</c>): the SMTP listener where the DSNs of confirming probes come
/// back. Off unless <see cref="Domain"/> is set; it then listens on loopback unless <see cref="Listen"/> says otherwise,
/// so turning it on never opens a port to the network by accident.
/// </summary>
public sealed class ReturnsOptions
{
    public const string Section = "Hub:Returns";

    /// <summary>The return domain (its MX points at this hub), e.g. <c>returns.example.com</c>. Empty: no receiver, no confirming probes.</summary>
    public string? Domain { get; set; }

    /// <summary>Address and port the receiver listens on, e.g. <c>0.0.0.0:25</c>. Default <c>127.0.0.1:2525</c>; port 0 picks a free port.</summary>
    public string Listen { get; set; } = "127.0.0.1:2525";

    /// <summary>The name in the receiver's greeting and EHLO reply. Default: the return domain.</summary>
    public string? ServerName { get; set; }

    /// <summary>Largest message accepted (SIZE and the DATA itself); a DSN with RET=HDRS is a few KiB.</summary>
    public int MaxMessageBytes { get; set; } = 256 * 1024;

    /// <summary>How much of a DSN is kept with the run; the parsed fields are always kept whole.</summary>
    public int MaxStoredBytes { get; set; } = 32 * 1024;

    /// <summary>Messages accepted per minute, all senders together; past it MAIL gets 421 4.7.0 (a real MTA retries later).</summary>
    public int MessagesPerMinute { get; set; } = 120;

    /// <summary>Only runs at most this old are known: a return address of an older run is refused (550 5.1.1).</summary>
    public int AcceptDays { get; set; } = 14;

    /// <summary>PFX file of a certificate to offer STARTTLS with; none: no STARTTLS.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of <see cref="CertificatePath"/>.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>True when a return domain is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Domain);
}
