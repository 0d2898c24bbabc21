namespace SmtpProbeHub.Probe.Model;

/// <summary>Receives a run's progress as it happens (for live SSE and for streaming to the hub).</summary>
public interface IProbeObserver
{
    /// <summary>A transcript line was written.</summary>
    void OnTranscript(TranscriptEntry entry) { }

    /// <summary>A step ended.</summary>
    void OnStep(ProbeStep step) { }
}
