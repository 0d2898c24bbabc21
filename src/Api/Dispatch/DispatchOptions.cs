namespace SmtpProbeHub.Api.Dispatch;

/// <summary>Dispatcher settings (section <c>Hub:Dispatch</c>).</summary>
public sealed class DispatchOptions
{
    public const string Section = "Hub:Dispatch";

    /// <summary>
    /// Added to a plan's totalSeconds to make the run's deadline: the engine ends the probe itself at
    /// totalSeconds; the hub's deadline only catches agents that never answer.
    /// </summary>
    public double DeadlineGraceSeconds { get; set; } = 15;

    /// <summary>
    /// How long a run may wait for a free slot on its agent before it ends as <c>queueTimedOut</c> (nothing sent). Its time
    /// budget (timeouts.totalSeconds) starts only when it leaves the queue.
    /// </summary>
    public double QueueTimeoutSeconds { get; set; } = 600;
}
