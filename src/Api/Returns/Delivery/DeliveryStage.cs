using SmtpProbeHub.Api.Events;
using SmtpProbeHub.Api.Probes;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Returns.Delivery;

/// <summary>
/// The stage after QUIT of a confirming probe. Its runs end as usual (the probe is completed, with a verdict), but its
/// event stream stays open: a <c>delivery</c> event for each report that comes back, and the final <c>end</c> once
/// every recipient's delivery is settled or the wait is over. <c>?wait=</c> waits for the same.
/// </summary>
public sealed class DeliveryStage(ProbeEventBus bus, IProbeStore store, DeliveryWatch watch, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<DeliveryStage> logger)
{
    /// <summary>The delivery event's name.</summary>
    public const string DeliveryEvent = "delivery";

    /// <summary>True when the plan asks for delivery to be confirmed.</summary>
    public static bool Confirms(ProbePlan plan) => plan.Dsn is { Confirm: true };

    /// <summary>Ends the probe's live events: at once, or for a confirming probe once its delivery is settled.</summary>
    internal void CloseEvents(ProbeRecord final)
    {
        if (!Confirms(final.Plan))
        {
            bus.Close(final.Id, ProbeViews.From(final, now: time.GetUtcNow()));
            return;
        }

        _ = CloseWhenSettledAsync(final);
    }

    /// <summary>
    /// Waits until no run of the probe awaits a report, or <paramref name="limit"/> passes; the probe as stored then
    /// (null when it is unknown).
    /// </summary>
    public async Task<ProbeRecord?> SettledAsync(Guid probeId, TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + limit;
        while (true)
        {
            var change = watch.Next(probeId);
            if (await store.GetAsync(probeId, cancellationToken) is not { } probe)
            {
                return null;
            }

            var now = time.GetUtcNow();
            var open = probe.Runs.Select(r => DeliveryStates.Of(r, probe.Plan, now)).Where(d => !DeliveryStates.Settled(d)).ToList();
            // Settled as stored, but a report stored a moment ago may still have its delivery event to publish: wait for it.
            var publishing = open.Count == 0 && watch.IsStoring(probeId);
            if ((open.Count == 0 && !publishing) || now >= deadline)
            {
                return probe;
            }

            // Wake at the next report, or when the first open wait ends (pending then turns noReport), or at the limit.
            var until = publishing ? deadline : open.Select(d => d!.WaitUntil ?? deadline).Append(deadline).Min();
            try
            {
                await change.WaitAsync(until > now ? until - now : TimeSpan.Zero, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Time to look again.
            }
        }
    }

    /// <summary>A report of a run of this probe is about to be stored; <see cref="ReportStoredAsync"/> or <see cref="ReportNotStored"/> follows.</summary>
    internal void ReportStoring(Guid probeId) => watch.Storing(probeId);

    /// <summary>The report announced by <see cref="ReportStoring"/> could not be stored.</summary>
    internal void ReportNotStored(Guid probeId) => watch.Signal(probeId);

    /// <summary>A report of a run of this probe was stored: a <c>delivery</c> event with the run's delivery, and waiters woken.</summary>
    internal async Task ReportStoredAsync(Guid probeId, Guid runId, CancellationToken cancellationToken)
    {
        try
        {
            if (await store.GetAsync(probeId, cancellationToken) is { } probe && probe.Runs.FirstOrDefault(r => r.Id == runId) is { } run)
            {
                bus.Publish(probeId, DeliveryEvent, new { runId, agentId = run.Agent.Id, delivery = DeliveryStates.Of(run, probe.Plan, time.GetUtcNow()) });
            }
        }
        finally
        {
            // After the event: a waiter woken here may close the stream, and the event must come before its end.
            watch.Signal(probeId);
        }
    }

    private async Task CloseWhenSettledAsync(ProbeRecord final)
    {
        var settled = final;
        try
        {
            var wait = TimeSpan.FromSeconds((final.Plan.Dsn?.WaitSeconds ?? DsnPlan.DefaultWaitSeconds) + final.Plan.Timeouts.TotalSeconds);
            settled = await SettledAsync(final.Id, wait, lifetime.ApplicationStopping) ?? final;
        }
        catch (Exception ex) when (ex is OperationCanceledException || StorageHealth.IsUnavailable(ex))
        {
            logger.LogInformation("Probe {ProbeId}: its events end before its delivery is settled ({Reason})", final.Id, ex.Message);
        }
        finally
        {
            watch.Forget(final.Id);
            bus.Close(final.Id, ProbeViews.From(settled, now: time.GetUtcNow()));
        }
    }
}
