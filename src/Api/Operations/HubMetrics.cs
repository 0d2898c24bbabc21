using Prometheus;
using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Operations;

/// <summary>The hub's Prometheus metrics (served at /metrics).</summary>
public sealed class HubMetrics
{
    private static readonly Counter Runs = Metrics.CreateCounter(
        "smtpprobehub_runs_total", "Runs ended, by status and verdict (verdict \"none\" when the run did not complete).",
        new CounterConfiguration { LabelNames = ["status", "verdict"] });

    private static readonly Counter Probes = Metrics.CreateCounter(
        "smtpprobehub_probes_total", "Probes accepted.");

    private static readonly Histogram StepSeconds = Metrics.CreateHistogram(
        "smtpprobehub_step_duration_seconds", "Time each SMTP step took, by step.",
        new HistogramConfiguration
        {
            LabelNames = ["step", "outcome"],
            Buckets = Histogram.ExponentialBuckets(0.001, 2, 16),
        });

    private static readonly Gauge InFlight = Metrics.CreateGauge(
        "smtpprobehub_runs_in_flight", "Runs queued or running now.");

    private static readonly Gauge AgentsConnected = Metrics.CreateGauge(
        "smtpprobehub_agents_connected", "Agents online now (the built-in agent included).");

    public HubMetrics(AgentRegistry registry)
    {
        // Sampled at scrape time so it can never drift from the registry.
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() => AgentsConnected.Set(registry.Online().Count));
    }

    public void ProbeAccepted() => Probes.Inc();

    public void RunQueued() => InFlight.Inc();

    public void RunEnded(RunStatus status, Verdict? verdict)
    {
        InFlight.Dec();
        Runs.WithLabels(ToLabel(status.ToString()), verdict is null ? "none" : ToLabel(verdict.Value.ToString())).Inc();
    }

    public void Step(ProbeStep step) =>
        StepSeconds.WithLabels(ToLabel(step.Name.ToString()), ToLabel(step.Outcome.ToString())).Observe(step.ElapsedMs / 1000.0);

    private static string ToLabel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
