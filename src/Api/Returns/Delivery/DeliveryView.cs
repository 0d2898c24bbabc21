namespace SmtpProbeHub.Api.Returns.Delivery;

/// <summary>
/// A confirming run's delivery, judged from the DSNs that came back (dsn.confirm): per recipient, and for the run as
/// a whole the state that needs attention first (failed, then noReport, delayed, pending; else the success).
/// </summary>
public sealed record DeliveryView
{
    /// <summary>pending | delivered | relayed | expanded | failed | delayed | noReport | notRequested.</summary>
    public required DeliveryState State { get; init; }

    /// <summary>Why no report was asked for or none is awaited (notRequested), in plain words.</summary>
    public string? Reason { get; init; }

    /// <summary>The return address (MAIL FROM) the report is sent to.</summary>
    public string? ReturnPath { get; init; }

    /// <summary>When the server accepted the message (its 250 after the final "."), by the agent's clock.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }

    /// <summary>Until when a report is awaited; a report arriving later is still recorded.</summary>
    public DateTimeOffset? WaitUntil { get; init; }

    /// <summary>Each recipient the server accepted.</summary>
    public IReadOnlyList<RecipientDelivery> Recipients { get; init; } = [];

    /// <summary>The DSNs as received (each cut to Hub:Returns:MaxStoredBytes), oldest first.</summary>
    public IReadOnlyList<ReceivedReport> Reports { get; init; } = [];
}

/// <summary>One recipient's delivery.</summary>
public sealed record RecipientDelivery
{
    /// <summary>The recipient as sent in RCPT TO.</summary>
    public required string Recipient { get; init; }

    /// <summary>pending | delivered | relayed | expanded | failed | delayed | noReport.</summary>
    public required DeliveryState State { get; init; }

    /// <summary>Status of the report (RFC 3463), e.g. 2.0.0 or 5.1.1.</summary>
    public string? Status { get; init; }

    /// <summary>Diagnostic-Code of the report, e.g. "smtp; 550 5.1.1 user unknown".</summary>
    public string? DiagnosticCode { get; init; }

    /// <summary>Who reported it (Reporting-MTA).</summary>
    public string? ReportingMta { get; init; }

    /// <summary>The next hop the reporting MTA talked to (Remote-MTA), when stated.</summary>
    public string? RemoteMta { get; init; }

    /// <summary>When the reporting MTA says it received the message (Arrival-Date).</summary>
    public DateTimeOffset? ArrivalDate { get; init; }

    /// <summary>When the report reached the hub.</summary>
    public DateTimeOffset? ReportedAt { get; init; }

    /// <summary>
    /// Delivery latency: from the server's 250 after the message to the report's arrival at the hub (the agent's clock
    /// against the hub's: a remote agent's clock skew shows here).
    /// </summary>
    public double? LatencyMs { get; init; }

    /// <summary>True when the report came after the wait (waitSeconds) was over.</summary>
    public bool Late { get; init; }
}

/// <summary>A DSN as received.</summary>
/// <param name="ReceivedAt">When the hub received it.</param>
/// <param name="ReportingMta">Reporting-MTA.</param>
/// <param name="Bytes">Size of the whole DSN.</param>
/// <param name="Truncated">True when only the start is kept.</param>
/// <param name="Raw">The DSN (its start when truncated).</param>
public sealed record ReceivedReport(DateTimeOffset ReceivedAt, string? ReportingMta, long Bytes, bool Truncated, string Raw);

/// <summary>Where a confirming run's message is.</summary>
public enum DeliveryState
{
    /// <summary>Accepted; no report yet, still within the wait.</summary>
    Pending,
    /// <summary>Delivered to the mailbox (Action: delivered).</summary>
    Delivered,
    /// <summary>Passed on to a system that does not send DSNs (Action: relayed): no later confirmation will come.</summary>
    Relayed,
    /// <summary>Delivered to a list or alias that expanded it (Action: expanded).</summary>
    Expanded,
    /// <summary>Not delivered (Action: failed); see the diagnostic code.</summary>
    Failed,
    /// <summary>Still queued after the reporting MTA's delay warning (Action: delayed).</summary>
    Delayed,
    /// <summary>No report within the wait.</summary>
    NoReport,
    /// <summary>No report was asked for (the server does not advertise DSN, or the message was not accepted).</summary>
    NotRequested,
}
