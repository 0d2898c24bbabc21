namespace SmtpProbeHub.Probe.Model;

/// <summary>The overall verdict of one run.</summary>
public enum Verdict
{
    /// <summary>Every step that ran ended as expected.</summary>
    Passed,
    /// <summary>A step failed; see failedStep and diagnosis.</summary>
    Failed,
}
