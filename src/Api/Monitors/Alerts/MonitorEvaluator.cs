using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Probes;
using SmtpProbeHub.Api.Probes.Comparison;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Monitors.Alerts;

/// <summary>
/// Turns a monitor's finished probe into new vantage states and alerts: a pure function of the stored states and the
/// probe, so it is tested without a clock or storage and runs inside one storage write.
/// A vantage point is failing after failuresToAlert failures in a row and recovers after passesToRecover passes; an
/// alert fires on the change, once. While its outcomes alternate (flapping) the changes are kept but not notified.
/// </summary>
internal static class MonitorEvaluator
{
    public const int HistoryLength = 10;

    /// <summary>Changes of outcome within the history that make a vantage point flap.</summary>
    public const int FlapChanges = 4;

    public const string Inside = "inside";
    public const string Outside = "outside";

    public static Evaluation Evaluate(MonitorRecord monitor, IReadOnlyList<VantageState> states, ProbeRecord probe, DateTimeOffset now, string? baseUrl)
    {
        var definition = monitor.Definition;
        var byAgent = states.ToDictionary(s => s.AgentId, StringComparer.Ordinal);
        var alerts = new List<AlertRecord>();
        var failing = new List<(VantageState State, RunRecord Run)>();
        var probeUrl = $"{baseUrl?.TrimEnd('/')}/api/v1/probes/{probe.Id}";
        foreach (var run in probe.Runs)
        {
            var before = byAgent.GetValueOrDefault(run.Agent.Id) ?? new VantageState
            {
                MonitorId = monitor.Id,
                AgentId = run.Agent.Id,
                AgentName = run.Agent.Name,
                Zone = ZoneOf(run.Agent),
            };
            var after = Apply(definition, before with { AgentName = run.Agent.Name, Zone = ZoneOf(run.Agent) }, run, probe.Id, now);
            byAgent[run.Agent.Id] = after.State;
            var agent = AgentOf(after.State);
            var context = new AlertPayload
            {
                Id = Guid.Empty,
                Kind = AlertKind.Failing,
                At = now,
                Monitor = new AlertMonitor(monitor.Id, definition.Name),
                Agents = [agent],
                Summary = "",
                Text = "",
                ProbeId = probe.Id,
                ProbeUrl = probeUrl,
            };
            foreach (var change in after.Changes)
            {
                switch (change)
                {
                    case AlertKind.Failing:
                        failing.Add((after.State, run));
                        break;
                    case AlertKind.Recovered:
                        alerts.Add(Alert(monitor, context with
                        {
                            Kind = change,
                            Summary = $"{definition.Name}: {Describe(agent)} recovered ({after.State.ConsecutivePasses} passed in a row)",
                        }));
                        break;
                    case AlertKind.Flapping:
                        alerts.Add(Alert(monitor, context with
                        {
                            Kind = change,
                            Summary = $"{definition.Name}: {Describe(agent)} is flapping ({after.State.History}); failing/recovered alerts pause until it settles",
                        }));
                        break;
                    case AlertKind.CertExpiring:
                        var notAfter = after.State.CertNotAfter!.Value;
                        alerts.Add(Alert(monitor, context with
                        {
                            Kind = change,
                            CertificateNotAfter = notAfter,
                            Summary = $"{definition.Name}: the certificate {Describe(agent)} was shown expires {notAfter:u} (in {(notAfter - now).TotalDays:0.#} days)",
                        }));
                        break;
                    case AlertKind.SlowStep:
                        var slow = Slowest(run)!;
                        var slowStep = new SlowStep(slow.Name, slow.ElapsedMs, definition.SlowStepMs!.Value);
                        alerts.Add(Alert(monitor, context with
                        {
                            Kind = change,
                            SlowStep = slowStep,
                            Summary = $"{definition.Name}: {Describe(agent)} step {Lower(slow.Name)} took {slow.ElapsedMs:0} ms (threshold {slowStep.ThresholdMs} ms)",
                        }));
                        break;
                }
            }
        }

        alerts.InsertRange(0, FailingAlerts(monitor, probe, failing, now, probeUrl));
        return new Evaluation([.. byAgent.Values], alerts);
    }

    /// <summary>No run could be made (no agent matched, target refused): every known vantage point is unknown; nothing is notified.</summary>
    public static Evaluation NotRun(IReadOnlyList<VantageState> states, string reason, DateTimeOffset now) =>
        new([.. states.Select(s => s with
        {
            State = VantageStatus.Unknown,
            Since = s.State == VantageStatus.Unknown ? s.Since : now,
            UnknownReason = reason,
        })], []);

    private static (VantageState State, List<AlertKind> Changes) Apply(MonitorDefinition definition, VantageState state, RunRecord run, Guid probeId, DateTimeOffset now)
    {
        var changes = new List<AlertKind>();
        // A run that timed out at the hub's deadline failed; one that ended without a verdict (agent lost, canceled, queue
        // timeout) says nothing about the server: the state is unknown, the counters and alerts stay as they were.
        var verdict = run.Status == RunStatus.Completed ? run.Result?.Verdict : run.Status == RunStatus.TimedOut ? Verdict.Failed : null;
        if (verdict is null)
        {
            return (state with
            {
                State = VantageStatus.Unknown,
                Since = state.State == VantageStatus.Unknown ? state.Since : now,
                UnknownReason = run.Diagnosis?.Summary ?? run.Status.ToString(),
                LastRunAt = run.EndedAt ?? now,
                LastProbeId = probeId,
                LastVerdict = null,
            }, changes);
        }

        var passed = verdict == Verdict.Passed;
        var history = (state.History + (passed ? "P" : "F"))[^Math.Min(HistoryLength, state.History.Length + 1)..];
        var failures = passed ? 0 : state.ConsecutiveFailures + 1;
        var passes = passed ? state.ConsecutivePasses + 1 : 0;
        var alerting = state.AlertActive;
        var nowFailing = failures >= definition.FailuresToAlert || (alerting && passes < definition.PassesToRecover);
        var flapping = Changes(history) >= FlapChanges;
        if (flapping && !state.Flapping)
        {
            changes.Add(AlertKind.Flapping);
        }

        if (flapping)
        {
            // Kept as notified last: the change is reported once the outcomes settle, if it still holds then.
            nowFailing = alerting;
        }
        else if (nowFailing && !alerting)
        {
            changes.Add(AlertKind.Failing);
        }
        else if (!nowFailing && alerting)
        {
            changes.Add(AlertKind.Recovered);
        }

        var status = nowFailing ? VantageStatus.Failing : VantageStatus.Ok;

        var result = run.Result;
        var cert = result?.Tls?.Certificate;
        var certAlerted = cert is not null && cert.NotAfter == state.CertNotAfter && state.CertAlerted;
        if (cert is not null && definition.CertExpiryDays is { } days && !certAlerted && cert.NotAfter - now <= TimeSpan.FromDays(days))
        {
            changes.Add(AlertKind.CertExpiring);
            certAlerted = true;
        }

        var slow = definition.SlowStepMs is { } threshold && Slowest(run) is { } slowest && slowest.ElapsedMs > threshold;
        if (slow && !state.SlowAlerted)
        {
            changes.Add(AlertKind.SlowStep);
        }

        return (state with
        {
            State = status,
            Since = status == state.State ? state.Since ?? now : now,
            ConsecutiveFailures = failures,
            ConsecutivePasses = passes,
            History = history,
            Flapping = flapping,
            AlertActive = nowFailing,
            UnknownReason = null,
            LastRunAt = run.EndedAt ?? now,
            LastProbeId = probeId,
            LastVerdict = verdict,
            LastFailedStep = result?.FailedStep,
            LastDiagnosis = run.Diagnosis,
            DurationMs = result?.DurationMs,
            StepMs = run.Steps.GroupBy(s => Lower(s.Name)).ToDictionary(g => g.Key, g => g.First().ElapsedMs),
            CertNotAfter = cert?.NotAfter ?? state.CertNotAfter,
            CertAlerted = certAlerted,
            SlowAlerted = slow,
        }, changes);
    }

    /// <summary>
    /// The failing changes of one probe: outside agents failing while the probe's inside agents passed are the KB's
    /// external-host case, one alert with the comparison's finding; any other failing agent gets its own alert.
    /// </summary>
    private static IEnumerable<AlertRecord> FailingAlerts(MonitorRecord monitor, ProbeRecord probe, List<(VantageState State, RunRecord Run)> failing, DateTimeOffset now, string probeUrl)
    {
        var name = monitor.Definition.Name;
        var insidePassed = probe.Runs.Where(r => ZoneOf(r.Agent) == Inside && r.Result?.Verdict == Verdict.Passed).ToList();
        var outside = insidePassed.Count > 0 ? failing.Where(f => f.State.Zone == Outside).ToList() : [];
        var template = new AlertPayload
        {
            Id = Guid.Empty,
            Kind = AlertKind.Failing,
            At = now,
            Monitor = new AlertMonitor(monitor.Id, name),
            Agents = [],
            Summary = "",
            Text = "",
            ProbeId = probe.Id,
            ProbeUrl = probeUrl,
        };
        if (outside.Count > 0)
        {
            var first = outside[0].Run;
            var finding = ProbeViews.CompareRuns(probe.Runs)?.Findings.FirstOrDefault(f => f.Kind == FindingKind.Difference);
            yield return Alert(monitor, template with
            {
                Kind = AlertKind.InsidePassesOutsideFails,
                Agents = [.. outside.Select(f => AgentOf(f.State)), .. insidePassed.Select(r => new AlertAgent(r.Agent.Id, r.Agent.Name, Inside, VantageStatus.Ok, 0))],
                FailedStep = first.Result?.FailedStep,
                Diagnosis = first.Diagnosis,
                Finding = finding is null ? null : new AlertFinding(finding.Code, finding.Summary, finding.Cause, finding.NextStep),
                Summary = $"{name}: inside passes while outside fails (the KB's external-host case): "
                    + $"{string.Join(", ", outside.Select(f => f.State.AgentName))} failed at {Lower(first.Result?.FailedStep)}"
                    + (finding is null ? "" : $"; {finding.Summary}. Next: {finding.NextStep}"),
            });
        }

        foreach (var (state, run) in failing.Except(outside))
        {
            var agent = AgentOf(state);
            yield return Alert(monitor, template with
            {
                Agents = [agent],
                FailedStep = run.Result?.FailedStep,
                Diagnosis = run.Diagnosis,
                Summary = $"{name}: {Describe(agent)} failing ({state.ConsecutiveFailures} failed in a row): "
                    + $"failed at {Lower(run.Result?.FailedStep)}{(run.Diagnosis is { } d ? $" ({d.Code}: {d.Summary})" : "")}",
            });
        }
    }

    private static AlertRecord Alert(MonitorRecord monitor, AlertPayload payload)
    {
        var id = Guid.CreateVersion7();
        var text = $"[{payload.Kind}] {payload.Summary}" + (payload.ProbeUrl is { } url ? $" — transcript: {url}" : "");
        return new AlertRecord(id, monitor.Id, payload.At, payload.Kind, payload with { Id = id, Text = text });
    }

    private static ProbeStep? Slowest(RunRecord run) => run.Steps.Count == 0 ? null : run.Steps.MaxBy(s => s.ElapsedMs);

    private static int Changes(string history) => Enumerable.Range(1, Math.Max(0, history.Length - 1)).Count(i => history[i] != history[i - 1]);

    private static AlertAgent AgentOf(VantageState s) => new(s.AgentId, s.AgentName, s.Zone, s.State, s.ConsecutiveFailures);

    private static string Describe(AlertAgent agent) => agent.Zone.Length == 0 ? agent.Name : $"{agent.Name} ({agent.Zone})";

    public static string ZoneOf(AgentRef agent) => agent.Labels.TryGetValue("zone", out var zone) ? zone : "";

    private static string Lower(StepName? step) => step is { } s ? char.ToLowerInvariant(s.ToString()[0]) + s.ToString()[1..] : "?";
}
