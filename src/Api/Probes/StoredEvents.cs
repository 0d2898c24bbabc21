using SmtpProbeHub.Api.Events;
using SmtpProbeHub.Api.Storage;

namespace SmtpProbeHub.Api.Probes;

/// <summary>The events of a probe rebuilt from storage, in the live stream's shapes: for each run its steps and transcript, then <c>end</c>.</summary>
internal static class StoredEvents
{
    public static IReadOnlyList<ProbeEvent> Of(ProbeRecord probe)
    {
        var events = new List<ProbeEvent>();
        void Add(string type, object data) => events.Add(new ProbeEvent(events.Count + 1, type, data));
        var view = ProbeViews.From(probe);
        foreach (var run in view.Runs)
        {
            foreach (var entry in run.Transcript)
            {
                Add(ProbeEvent.Transcript, new { runId = run.Id, agentId = run.Agent.Id, entry });
            }

            foreach (var step in run.Steps)
            {
                Add(ProbeEvent.Step, new { runId = run.Id, agentId = run.Agent.Id, step });
            }

            Add(ProbeEvent.Run, run with { Steps = [], Transcript = [], Resolution = null, Capabilities = null, Tls = null });
        }

        Add(ProbeEvent.End, view);
        return events;
    }
}
