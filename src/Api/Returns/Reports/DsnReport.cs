namespace SmtpProbeHub.Api.Returns.Reports;

/// <summary>
/// One delivery status notification as the receiver took it in (RFC 3464): the per-message fields, one entry per
/// recipient, when it arrived, and the raw message kept up to Hub:Returns:MaxStoredBytes.
/// </summary>
public sealed record DsnReport
{
    /// <summary>The run the return address named.</summary>
    public required Guid RunId { get; init; }

    /// <summary>When the hub received it.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Original-Envelope-Id: the run id the probe sent as ENVID.</summary>
    public string? EnvelopeId { get; init; }

    /// <summary>Reporting-MTA, without its type ("dns; "), e.g. <c>mx.corp.example</c>.</summary>
    public string? ReportingMta { get; init; }

    /// <summary>Arrival-Date: when the reporting MTA says it received the probe's message.</summary>
    public DateTimeOffset? ArrivalDate { get; init; }

    /// <summary>The per-recipient parts.</summary>
    public IReadOnlyList<DsnRecipient> Recipients { get; init; } = [];

    /// <summary>The DSN as received, cut to Hub:Returns:MaxStoredBytes.</summary>
    public string Raw { get; init; } = "";

    /// <summary>Size of the whole DSN in bytes.</summary>
    public long RawBytes { get; init; }

    /// <summary>True when only the start of the DSN is kept.</summary>
    public bool RawTruncated { get; init; }
}

/// <summary>One recipient's part of a DSN.</summary>
/// <param name="FinalRecipient">Final-Recipient, without its type ("rfc822; ").</param>
/// <param name="OriginalRecipient">Original-Recipient (the address the probe sent in RCPT), when the MTA states it.</param>
/// <param name="Action">Action: failed, delayed, delivered, relayed or expanded.</param>
/// <param name="Status">Status, e.g. 2.0.0 or 5.1.1.</param>
/// <param name="DiagnosticCode">Diagnostic-Code, e.g. "smtp; 550 5.1.1 user unknown".</param>
/// <param name="RemoteMta">Remote-MTA, without its type.</param>
/// <param name="LastAttemptDate">Last-Attempt-Date.</param>
public sealed record DsnRecipient(
    string? FinalRecipient,
    string? OriginalRecipient,
    string Action,
    string? Status,
    string? DiagnosticCode,
    string? RemoteMta,
    DateTimeOffset? LastAttemptDate);
