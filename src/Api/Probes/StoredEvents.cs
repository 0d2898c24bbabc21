using SmtpProbeHub.Api.Events;
using SmtpProbeHub.Api.Returns.Delivery;
using SmtpProbeHub.Api.Storage;

namespace SmtpProbeHub.Api.Probes;

/// <summary>The events of a probe rebuilt from storage, in the live stream's shapes: for each run its steps and transcript, then <c>end</c>.</summary>
internal static class StoredEvents
{
    public static IReadOnlyList<ProbeEvent> Of(ProbeRecord probe)
    {
        var events = new List<ProbeEvent>();
        void Add(string type, object data) => events.Add(new ProbeEvent(events.Count + 1, type, data));
        foreach (var run in probe.Runs)
        {
            foreach (var entry in run.Transcript)
            {
                Add(ProbeEvent.Transcript, ProbeEvent.TranscriptData(run.Id, run.Agent.Id, entry));
            }

            foreach (var step in run.Steps)
            {
                Add(ProbeEvent.Step, ProbeEvent.StepData(run.Id, run.Agent.Id, step));
            }

            Add(ProbeEvent.Run, ProbeViews.From(run, withDetail: false));
            if (run.Reports.Count > 0 && DeliveryStates.Of(run, probe.Plan, DateTimeOffset.UtcNow) is { } delivery)
            {
                // As live: the receipt came after the run ended.
                Add(DeliveryStage.DeliveryEvent, new { runId = run.Id, agentId = run.Agent.Id, delivery });
            }
        }

        Add(ProbeEvent.End, ProbeViews.From(probe));
        return events;
    }
}
