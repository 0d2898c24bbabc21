namespace SmtpProbeHub.Api.AgentHub;

/// <summary>When an agent's stream last carried anything (any message counts as a heartbeat).</summary>
internal sealed class LastSeen(TimeProvider time)
{
    private long _ticks = time.GetTimestamp();

    public TimeProvider Time => time;

    public TimeSpan Silence => time.GetElapsedTime(Interlocked.Read(ref _ticks));

    public void Touch() => Interlocked.Exchange(ref _ticks, time.GetTimestamp());
}
