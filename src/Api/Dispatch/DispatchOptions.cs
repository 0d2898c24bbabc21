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
}
