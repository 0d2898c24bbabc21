using System.Collections.Concurrent;
using Prometheus;
using SmtpProbeHub.Api.Operations;

namespace SmtpProbeHub.Api.Monitors;

/// <summary>
/// Per monitor × vantage point series in the style of blackbox_exporter, in the hub's own registry (served at /metrics):
/// labels <c>monitor</c> (its name), <c>agent</c> (agent name) and <c>zone</c>, never per-probe labels. A vantage point
/// whose state is unknown has no success series (alert on <c>absent()</c> or on the last-run age).
/// </summary>
internal sealed class MonitorMetrics
{
    private static readonly string[] Labels = ["monitor", "agent", "zone"];
    private readonly Gauge _success;
    private readonly Gauge _duration;
    private readonly Gauge _stepDuration;
    private readonly Gauge _certExpiry;
    private readonly Gauge _lastRun;
    private readonly Gauge _consecutiveFailures;
    private readonly Counter _slots;
    private readonly Counter _skipped;
    private readonly Histogram _lag;
    private readonly Counter _deliveries;
    private readonly ConcurrentDictionary<Guid, MonitorSeries> _series = new();

    public MonitorMetrics(HubMetrics hub)
    {
        var factory = Metrics.WithCustomRegistry(hub.Registry);
        _success = factory.CreateGauge("smtpprobehub_monitor_success", "1 when the monitor's last run from this agent passed, 0 when it failed.", Labels);
        _duration = factory.CreateGauge("smtpprobehub_monitor_duration_seconds", "The last run's total time, resolve to QUIT.", Labels);
        _stepDuration = factory.CreateGauge("smtpprobehub_monitor_step_duration_seconds", "The last run's time per SMTP step.", [.. Labels, "step"]);
        _certExpiry = factory.CreateGauge("smtpprobehub_monitor_tls_cert_expiry_timestamp_seconds", "NotAfter of the last TLS certificate shown (Unix time).", Labels);
        _lastRun = factory.CreateGauge("smtpprobehub_monitor_last_run_timestamp_seconds", "When the last run ended (Unix time).", Labels);
        _consecutiveFailures = factory.CreateGauge("smtpprobehub_monitor_consecutive_failures", "Failed runs in a row.", Labels);
        _slots = factory.CreateCounter("smtpprobehub_monitor_slots_total", "Schedule slots claimed by this hub, by outcome (fired, skipped: the previous probe was still running).",
            new CounterConfiguration { LabelNames = ["outcome"] });
        _skipped = factory.CreateCounter("smtpprobehub_monitor_skipped_slots_total", "Slots skipped because the monitor's previous probe was still running.", ["monitor"]);
        _lag = factory.CreateHistogram("smtpprobehub_monitor_schedule_lag_seconds", "From a slot's due time to its claim by the scheduler.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
        _deliveries = factory.CreateCounter("smtpprobehub_webhook_deliveries_total", "Webhook delivery rounds, by outcome (delivered, retrying, failed).",
            new CounterConfiguration { LabelNames = ["outcome"] });
    }

    public void SlotFired(TimeSpan lag)
    {
        _slots.WithLabels("fired").Inc();
        _lag.Observe(Math.Max(0, lag.TotalSeconds));
    }

    public void SlotSkipped(string monitor)
    {
        _slots.WithLabels("skipped").Inc();
        _skipped.WithLabels(monitor).Inc();
    }

    public void DeliveryRound(string outcome) => _deliveries.WithLabels(outcome).Inc();

    /// <summary>Sets the series of every vantage point of a monitor from its states (after a run, and at start-up).</summary>
    public void Update(Guid monitorId, string monitor, IEnumerable<VantageState> states)
    {
        var series = _series.GetOrAdd(monitorId, _ => new MonitorSeries());
        lock (series)
        {
            if (series.Name is { } old && old != monitor)
            {
                RemoveLocked(series);
            }

            series.Name = monitor;
            foreach (var state in states)
            {
                string[] labels = [monitor, state.AgentName, state.Zone];
                series.Agents.Add(labels);
                if (state.State == VantageStatus.Unknown || state.LastVerdict is null)
                {
                    _success.RemoveLabelled(labels);
                    continue;
                }

                _success.WithLabels(labels).Set(state.LastVerdict == Probe.Model.Verdict.Passed ? 1 : 0);
                _consecutiveFailures.WithLabels(labels).Set(state.ConsecutiveFailures);
                if (state.LastRunAt is { } last)
                {
                    _lastRun.WithLabels(labels).Set(last.ToUnixTimeMilliseconds() / 1000.0);
                }

                if (state.DurationMs is { } duration)
                {
                    _duration.WithLabels(labels).Set(duration / 1000.0);
                }

                if (state.CertNotAfter is { } notAfter)
                {
                    _certExpiry.WithLabels(labels).Set(notAfter.ToUnixTimeSeconds());
                }

                foreach (var (step, ms) in state.StepMs)
                {
                    series.Steps.Add([.. labels, step]);
                    _stepDuration.WithLabels([.. labels, step]).Set(ms / 1000.0);
                }
            }
        }
    }

    /// <summary>Drops every series of a deleted monitor.</summary>
    public void Remove(Guid monitorId)
    {
        if (_series.TryRemove(monitorId, out var series))
        {
            lock (series)
            {
                RemoveLocked(series);
            }
        }
    }

    private void RemoveLocked(MonitorSeries series)
    {
        foreach (var labels in series.Agents)
        {
            foreach (var gauge in new[] { _success, _duration, _certExpiry, _lastRun, _consecutiveFailures })
            {
                gauge.RemoveLabelled(labels);
            }
        }

        foreach (var labels in series.Steps)
        {
            _stepDuration.RemoveLabelled(labels);
        }

        if (series.Name is { } name)
        {
            _skipped.RemoveLabelled(name);
        }

        series.Agents.Clear();
        series.Steps.Clear();
    }

    private sealed class MonitorSeries
    {
        public string? Name { get; set; }

        public HashSet<string[]> Agents { get; } = new(LabelComparer.Instance);

        public HashSet<string[]> Steps { get; } = new(LabelComparer.Instance);
    }

    private sealed class LabelComparer : IEqualityComparer<string[]>
    {
        public static readonly LabelComparer Instance = new();

        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(string[] obj) => string.Join('\n', obj).GetHashCode(StringComparison.Ordinal);
    }
}
