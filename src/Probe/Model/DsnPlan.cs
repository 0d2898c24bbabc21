namespace SmtpProbeHub.Probe.Model;

/// <summary>RFC 3461 NOTIFY values.</summary>
public enum DsnNotify
{
    /// <summary>NOTIFY=NEVER.</summary>
    Never,
    /// <summary>NOTIFY=SUCCESS.</summary>
    Success,
    /// <summary>NOTIFY=FAILURE.</summary>
    Failure,
    /// <summary>NOTIFY=DELAY.</summary>
    Delay,
}

/// <summary>RFC 3461 RET values.</summary>
public enum DsnRet
{
    /// <summary>RET=FULL.</summary>
    Full,
    /// <summary>RET=HDRS.</summary>
    Hdrs,
}

/// <summary>Delivery status notification parameters: the KB's "advanced test".</summary>
public sealed record DsnPlan
{
    /// <summary>How long a confirming run waits for its report when the plan does not say.</summary>
    public const int DefaultWaitSeconds = 600;

    /// <summary>The longest wait for a report a plan may ask for (a day).</summary>
    public const int MaxWaitSeconds = 86_400;

    /// <summary>NOTIFY on each RCPT.</summary>
    public IReadOnlyList<DsnNotify> Notify { get; init; } = [DsnNotify.Success, DsnNotify.Failure];

    /// <summary>RET on MAIL, or null.</summary>
    public DsnRet? Ret { get; init; }

    /// <summary>ENVID on MAIL (xtext-encoded when sent), or null.</summary>
    public string? EnvId { get; init; }

    /// <summary>
    /// Confirm delivery: the hub sends its own return address as MAIL FROM (with ENVID = the run id and RET=HDRS) and
    /// keeps the run's delivery state open until the DSN comes back to it (needs Hub:Returns). Default false.
    /// </summary>
    public bool Confirm { get; init; }

    /// <summary>With confirm: how long the report is awaited before the delivery state is noReport (1–86400 s, default 600). A later report is still recorded.</summary>
    /// <example>600</example>
    public int? WaitSeconds { get; init; }

    /// <summary>
    /// The envelope sender (MAIL FROM) that receives the report, when it differs from <c>from</c> (which stays the From
    /// header); null: <c>from</c>. With confirm the hub sets it to its return address for the run.
    /// </summary>
    public string? ReturnPath { get; init; }
}
