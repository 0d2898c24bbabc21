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
    /// <summary>NOTIFY on each RCPT.</summary>
    public IReadOnlyList<DsnNotify> Notify { get; init; } = [DsnNotify.Success, DsnNotify.Failure];

    /// <summary>RET on MAIL, or null.</summary>
    public DsnRet? Ret { get; init; }

    /// <summary>ENVID on MAIL (xtext-encoded when sent), or null.</summary>
    public string? EnvId { get; init; }
}
