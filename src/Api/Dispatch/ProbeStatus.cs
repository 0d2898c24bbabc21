namespace SmtpProbeHub.Api.Dispatch;

/// <summary>Where a probe stands. Values are part of the public contract.</summary>
public enum ProbeStatus
{
    /// <summary>At least one run has not ended.</summary>
    Running,
    /// <summary>Every run has ended.</summary>
    Completed,
    /// <summary>A client cancelled the probe; every run has ended.</summary>
    Canceled,
}
