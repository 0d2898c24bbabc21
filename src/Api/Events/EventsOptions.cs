namespace SmtpProbeHub.Api.Events;

/// <summary>Server-Sent Events settings (section <c>Hub:Events</c>).</summary>
public sealed class EventsOptions
{
    public const string Section = "Hub:Events";

    /// <summary>Seconds between heartbeat comments on an idle stream (keeps proxies from closing it).</summary>
    public double HeartbeatSeconds { get; set; } = 15;
}
