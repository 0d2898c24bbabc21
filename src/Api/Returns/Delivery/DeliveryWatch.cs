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

    /// <summary>Reports of a probe being stored whose delivery event is not published yet, per probe.</summary>
    private readonly ConcurrentDictionary<Guid, int> _storing = new();

    /// <summary>Completes at the next report stored for the probe.</summary>
    public Task Next(Guid probeId) =>
        _changes.GetOrAdd(probeId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>
    /// A report for the probe is about to be stored: until its <see cref="Signal"/> a probe that looks settled is not yet
    /// done, since its <c>delivery</c> event (published after the store) is still to come and must precede the end.
    /// </summary>
    public void Storing(Guid probeId) => _storing.AddOrUpdate(probeId, 1, (_, n) => n + 1);

    /// <summary>Whether a report of the probe is between <see cref="Storing"/> and <see cref="Signal"/>.</summary>
    public bool IsStoring(Guid probeId) => _storing.TryGetValue(probeId, out var n) && n > 0;

    /// <summary>A report for the probe was stored and its event published (or it could not be stored).</summary>
    public void Signal(Guid probeId)
    {
        if (_storing.AddOrUpdate(probeId, 0, (_, n) => Math.Max(0, n - 1)) == 0)
        {
            _storing.TryRemove(new KeyValuePair<Guid, int>(probeId, 0));
        }

        if (_changes.TryRemove(probeId, out var change))
        {
            change.TrySetResult();
        }
    }

    /// <summary>Forgets the probe when nobody waits on it any more (its delivery is settled).</summary>
    internal void Forget(Guid probeId) => _changes.TryRemove(probeId, out _);
}
