namespace SmtpProbeHub.Api.Agents;

/// <summary>
/// An agent that must be told when its result is safely stored: a remote agent keeps each result on its
/// disk until the hub acknowledges it, so the ack must follow the store, never precede it.
/// </summary>
public interface IAcknowledgesResults
{
    /// <summary>The run's end (and result, if any) is in storage.</summary>
    void ResultStored(Guid runId);
}
