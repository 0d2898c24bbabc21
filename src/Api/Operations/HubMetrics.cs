using Prometheus;
using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Operations;

/// <summary>
/// The hub's Prometheus metrics (served at /metrics), in a registry of this hub's own so that several
/// hubs in one process (tests) never mix their numbers.
/// </summary>
public sealed class HubMetrics
{
    private readonly Counter _runs;
    private readonly Counter _probes;
    private readonly Histogram _stepSeconds;
    private readonly Gauge _inFlight;
    private readonly Counter _dropped;
    private readonly Counter _authFailures;
    private readonly Counter _retentionDeleted;
    private readonly Counter _retentionReclaimed;

    public HubMetrics(AgentRegistry registry)
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _runs = factory.CreateCounter(
            "smtpprobehub_runs_total", "Runs ended, by status and verdict (verdict \"none\" when the run did not complete).",
            new CounterConfiguration { LabelNames = ["status", "verdict"] });
        _probes = factory.CreateCounter("smtpprobehub_probes_total", "Probes accepted.");
        _stepSeconds = factory.CreateHistogram(
            "smtpprobehub_step_duration_seconds", "Time each SMTP step took, by step and outcome.",
            new HistogramConfiguration { LabelNames = ["step", "outcome"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
        _inFlight = factory.CreateGauge("smtpprobehub_runs_in_flight", "Runs queued or running now.");
        _dropped = factory.CreateCounter(
            "smtpprobehub_agent_messages_dropped_total",
            "Agent messages naming a run that was not assigned to that agent's connection (progress, result, rejection), dropped.",
            new CounterConfiguration { LabelNames = ["kind"] });
        _authFailures = factory.CreateCounter(
            "smtpprobehub_auth_failures_total", "Refused credentials, by what was presented (api_key, agent_token, agent_identity) and whether the client was already throttled.",
            new CounterConfiguration { LabelNames = ["credential", "throttled"] });
        _retentionDeleted = factory.CreateCounter(
            "smtpprobehub_retention_deleted_total", "Rows deleted by retention sweeps, by table (probes, runs).",
            new CounterConfiguration { LabelNames = ["table"] });
        _retentionReclaimed = factory.CreateCounter(
            "smtpprobehub_retention_reclaimed_bytes_total", "Database bytes given back to the file system after retention sweeps.");
        var agents = factory.CreateGauge("smtpprobehub_agents_connected", "Agents online now (the built-in agent included).");

        // Sampled at scrape time so it can never drift from the registry.
        Registry.AddBeforeCollectCallback(() => agents.Set(registry.Online().Count));
    }

    /// <summary>This hub's collector registry.</summary>
    public CollectorRegistry Registry { get; }

    public void ProbeAccepted() => _probes.Inc();

    public void RunQueued() => _inFlight.Inc();

    /// <summary>A queued run whose probe could not be recorded (refused with 503): it never counted as a run.</summary>
    public void RunNotRecorded() => _inFlight.Dec();

    public void RunEnded(RunStatus status, Verdict? verdict)
    {
        _inFlight.Dec();
        _runs.WithLabels(ToLabel(status.ToString()), verdict is null ? "none" : ToLabel(verdict.Value.ToString())).Inc();
    }

    /// <summary>An agent spoke for a run that is not its own on this connection (<paramref name="kind"/>: progress, result, rejected).</summary>
    public void AgentMessageDropped(string kind) => _dropped.WithLabels(kind).Inc();

    /// <summary>A credential was refused (or not even checked: <paramref name="throttled"/>).</summary>
    public void AuthFailed(string credential, bool throttled) => _authFailures.WithLabels(credential, throttled ? "true" : "false").Inc();

    /// <summary>A retention sweep deleted <paramref name="probes"/> with their <paramref name="runs"/> and freed <paramref name="reclaimedBytes"/>.</summary>
    public void RetentionSwept(int probes, int runs, long reclaimedBytes)
    {
        _retentionDeleted.WithLabels("probes").Inc(probes);
        _retentionDeleted.WithLabels("runs").Inc(runs);
        _retentionReclaimed.Inc(reclaimedBytes);
    }

    public void Step(ProbeStep step) =>
        _stepSeconds.WithLabels(ToLabel(step.Name.ToString()), ToLabel(step.Outcome.ToString())).Observe(step.ElapsedMs / 1000.0);

    private static string ToLabel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
