namespace SmtpProbeHub.Api.Dispatch;

/// <summary>Where one run (one probe on one agent) stands. Values are part of the public contract.</summary>
public enum RunStatus
{
    /// <summary>Waiting for a free slot on its agent.</summary>
    Queued,
    /// <summary>The agent is running it.</summary>
    Running,
    /// <summary>The agent returned a result (see verdict).</summary>
    Completed,
    /// <summary>The agent disconnected (or the hub restarted) before returning a result.</summary>
    AgentLost,
    /// <summary>Cancelled by a client.</summary>
    Canceled,
    /// <summary>No result before the run's deadline.</summary>
    TimedOut,
    /// <summary>Never started: its agent had no free slot within Hub:Dispatch:QueueTimeoutSeconds.</summary>
    QueueTimedOut,
}

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
