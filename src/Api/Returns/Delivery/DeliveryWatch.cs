using System.Collections.Concurrent;

namespace SmtpProbeHub.Api.Returns.Delivery;

/// <summary>
/// Wakes whoever waits on a probe's delivery when a report for it is stored. A waiter takes <see cref="Next"/> before
/// it reads the probe, so a report stored in between still wakes it; entries live only while a report is awaited
/// (each signal removes its own).
/// </summary>
public sealed class DeliveryWatch
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _changes = new();

    /// <summary>Completes at the next report stored for the probe.</summary>
    public Task Next(Guid probeId) =>
        _changes.GetOrAdd(probeId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>A report for the probe was stored.</summary>
    public void Signal(Guid probeId)
    {
        if (_changes.TryRemove(probeId, out var change))
        {
            change.TrySetResult();
        }
    }

    /// <summary>Forgets the probe when nobody waits on it any more (its delivery is settled).</summary>
    internal void Forget(Guid probeId) => _changes.TryRemove(probeId, out _);
}
