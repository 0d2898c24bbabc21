using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Dialog;

/// <summary>Every line of one run, stamped with ms since the run started, passed on to the observer as it happens.</summary>
internal sealed class TranscriptRecorder(TimeProvider timeProvider, IProbeObserver? observer)
{
    private readonly long _started = timeProvider.GetTimestamp();
    private readonly List<TranscriptEntry> _entries = [];
    private readonly Lock _lock = new();

    public TimeProvider TimeProvider => timeProvider;

    public double ElapsedMs => Math.Round(timeProvider.GetElapsedTime(_started).TotalMilliseconds, 1);

    public void Info(string text) => Add(TranscriptDirection.Info, text);

    public void Add(TranscriptDirection direction, string text)
    {
        var entry = new TranscriptEntry(ElapsedMs, direction, text);
        lock (_lock)
        {
            _entries.Add(entry);
        }

        ObserverGuard.Call(() => observer?.OnTranscript(entry));
    }

    public IReadOnlyList<TranscriptEntry> Snapshot()
    {
        lock (_lock)
        {
            return [.. _entries];
        }
    }
}
