using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Monitors;
using SmtpProbeHub.Api.Monitors.Alerts;
using SmtpProbeHub.Api.Probes;
using SmtpProbeHub.Api.Probes.Comparison;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Api.Tests.Probes.Comparison;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Tests.Monitors;

public sealed class MonitorEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly ProbeResult Pass = Results.Passed();
    private static readonly ProbeResult ConnectTimeout = Results.FailedAtConnect(StepOutcome.Timeout, "connect.timeout");

    [Fact]
    public void TwoFailuresInARow_FireOneFailingAlert_WithStepDiagnosisAndTranscriptLink()
    {
        var monitor = Monitor();
        var (states, first) = Run(monitor, [], ("outside-1", "outside", ConnectTimeout));
        var (states2, second) = Run(monitor, states, ("outside-1", "outside", ConnectTimeout));
        var (_, third) = Run(monitor, states2, ("outside-1", "outside", ConnectTimeout));

        Assert.Empty(first.Alerts);
        Assert.Equal(VantageStatus.Ok, Assert.Single(first.States).State);
        var alert = Assert.Single(second.Alerts);
        Assert.Equal(AlertKind.Failing, alert.Kind);
        Assert.Equal(StepName.Connect, alert.Payload.FailedStep);
        Assert.Equal("connect.timeout", alert.Payload.Diagnosis!.Code);
        Assert.Equal($"/api/v1/probes/{alert.Payload.ProbeId}", alert.Payload.ProbeUrl);
        Assert.Contains("failing", alert.Payload.Text, StringComparison.Ordinal);
        Assert.Equal(VantageStatus.Failing, Assert.Single(second.States).State);
        Assert.Empty(third.Alerts);
    }

    [Fact]
    public void Recovery_AfterPassesToRecover_FiresOnce()
    {
        var monitor = Monitor(passesToRecover: 2);
        var states = Failing(monitor, "outside-1", "outside");

        var (after1, pass1) = Run(monitor, states, ("outside-1", "outside", Pass));
        var (after2, pass2) = Run(monitor, after1, ("outside-1", "outside", Pass));
        var (_, pass3) = Run(monitor, after2, ("outside-1", "outside", Pass));

        Assert.Empty(pass1.Alerts);
        Assert.Equal(VantageStatus.Failing, Assert.Single(pass1.States).State);
        Assert.Equal(AlertKind.Recovered, Assert.Single(pass2.Alerts).Kind);
        Assert.Equal(VantageStatus.Ok, Assert.Single(pass2.States).State);
        Assert.Empty(pass3.Alerts);
    }

    [Fact]
    public void InsidePassesOutsideFails_IsOneAlertNamedAsTheKbExternalHostCase_WithTheComparisonFinding()
    {
        var monitor = Monitor();
        var (states, _) = Run(monitor, [], ("inside-1", "inside", Pass), ("outside-1", "outside", ConnectTimeout));

        var (_, evaluation) = Run(monitor, states, ("inside-1", "inside", Pass), ("outside-1", "outside", ConnectTimeout));

        var alert = Assert.Single(evaluation.Alerts);
        Assert.Equal(AlertKind.InsidePassesOutsideFails, alert.Kind);
        Assert.Equal(FindingCodes.InboundFiltered, alert.Payload.Finding!.Code);
        Assert.Contains("external-host case", alert.Payload.Summary, StringComparison.Ordinal);
        Assert.Equal(["outside-1", "inside-1"], alert.Payload.Agents.Select(a => a.Name));
        Assert.Equal(StepName.Connect, alert.Payload.FailedStep);
    }

    [Fact]
    public void EveryVantagePointFailing_IsAFailingAlertPerAgent_NotTheExternalHostCase()
    {
        var monitor = Monitor(failuresToAlert: 1);

        var (_, evaluation) = Run(monitor, [], ("inside-1", "inside", ConnectTimeout), ("outside-1", "outside", ConnectTimeout));

        Assert.Equal([AlertKind.Failing, AlertKind.Failing], evaluation.Alerts.Select(a => a.Kind));
    }

    [Fact]
    public void RunWithoutVerdict_MakesTheVantagePointUnknown_AndKeepsItsCountersAndAlert()
    {
        var monitor = Monitor();
        var states = Failing(monitor, "outside-1", "outside");

        var lost = Evaluate(monitor, states, Probe(Lost("outside-1", "outside")));
        var (_, back) = Run(monitor, lost.States, ("outside-1", "outside", Pass));

        var state = Assert.Single(lost.States);
        Assert.Equal(VantageStatus.Unknown, state.State);
        Assert.Empty(lost.Alerts);
        Assert.Equal(AlertKind.Recovered, Assert.Single(back.Alerts).Kind);
    }

    [Fact]
    public void NoAgentMatched_MakesEveryKnownVantagePointUnknown()
    {
        var monitor = Monitor();
        var (states, _) = Run(monitor, [], ("inside-1", "inside", Pass));

        var evaluation = MonitorEvaluator.NotRun(states, "No agent is online.", Now);

        Assert.Equal("No agent is online.", Assert.Single(evaluation.States).UnknownReason);
        Assert.Equal(VantageStatus.Unknown, evaluation.States[0].State);
    }

    [Fact]
    public void Flapping_IsNotifiedOnce_AndPausesFailingAndRecoveredAlerts()
    {
        var monitor = Monitor(failuresToAlert: 1);
        IReadOnlyList<VantageState> states = [];
        var kinds = new List<AlertKind>();
        foreach (var result in new[] { ConnectTimeout, Pass, ConnectTimeout, Pass, ConnectTimeout, Pass, ConnectTimeout, Pass })
        {
            var (next, evaluation) = Run(monitor, states, ("outside-1", "outside", result));
            states = next;
            kinds.AddRange(evaluation.Alerts.Select(a => a.Kind));
        }

        // Failing, recovered, failing, recovered; the 4th change of outcome within the history is flapping, and quiet from there on.
        Assert.Equal([AlertKind.Failing, AlertKind.Recovered, AlertKind.Failing, AlertKind.Recovered, AlertKind.Flapping], kinds);
        Assert.True(Assert.Single(states).Flapping);
    }

    [Fact]
    public void CertificateExpiringWithinTheDays_AlertsOncePerCertificate()
    {
        var monitor = Monitor(certExpiryDays: 14);
        var expiring = WithCertificate(Now.AddDays(10), "AA");
        var renewedButStillShort = WithCertificate(Now.AddDays(12), "BB");

        var (states, first) = Run(monitor, [], ("outside-1", "outside", expiring));
        var (states2, second) = Run(monitor, states, ("outside-1", "outside", expiring));
        var (_, third) = Run(monitor, states2, ("outside-1", "outside", renewedButStillShort));

        Assert.Equal(Now.AddDays(10), Assert.Single(first.Alerts, a => a.Kind == AlertKind.CertExpiring).Payload.CertificateNotAfter);
        Assert.Empty(second.Alerts);
        Assert.Single(third.Alerts, a => a.Kind == AlertKind.CertExpiring);
        Assert.Equal(Now.AddDays(12), third.States[0].CertNotAfter);
    }

    [Fact]
    public void SlowStep_AlertsOnceUntilARunIsFastAgain()
    {
        var monitor = Monitor(slowStepMs: 2000);
        // FailedAtConnect's connect step takes 3000 ms; Passed's steps 1 ms.
        var (states, first) = Run(monitor, [], ("outside-1", "outside", ConnectTimeout));
        var (states2, second) = Run(monitor, states, ("outside-1", "outside", ConnectTimeout));
        var (states3, _) = Run(monitor, states2, ("outside-1", "outside", Pass));
        var (_, again) = Run(monitor, states3, ("outside-1", "outside", ConnectTimeout));

        var slow = Assert.Single(first.Alerts, a => a.Kind == AlertKind.SlowStep).Payload.SlowStep!;
        Assert.Equal((StepName.Connect, 3000d, 2000), (slow.Step, slow.ElapsedMs, slow.ThresholdMs));
        Assert.DoesNotContain(second.Alerts, a => a.Kind == AlertKind.SlowStep);
        Assert.Contains(again.Alerts, a => a.Kind == AlertKind.SlowStep);
    }

    [Fact]
    public void StateKeepsTheLastRunsFiguresForTheSeries()
    {
        var (_, evaluation) = Run(Monitor(), [], ("outside-1", "outside", Pass with { DurationMs = 42 }));

        var state = Assert.Single(evaluation.States);
        Assert.Equal((Verdict.Passed, 42d, "outside"), (state.LastVerdict!.Value, state.DurationMs!.Value, state.Zone));
        Assert.Equal(1, state.StepMs["mail"]);
    }

    private static MonitorRecord Monitor(int failuresToAlert = 2, int passesToRecover = 1, int? certExpiryDays = null, int? slowStepMs = null) => new()
    {
        Id = Guid.NewGuid(),
        Definition = new MonitorDefinition
        {
            Name = "corp-mx",
            Probe = new ProbeRequest { To = ["alice@corp.test"] },
            Schedule = new ScheduleRequest { Every = "1m" },
            FailuresToAlert = failuresToAlert,
            PassesToRecover = passesToRecover,
            CertExpiryDays = certExpiryDays,
            SlowStepMs = slowStepMs,
        },
        CreatedAt = Now,
        UpdatedAt = Now,
        NextDueAt = Now,
    };

    private static IReadOnlyList<VantageState> Failing(MonitorRecord monitor, string agent, string zone)
    {
        IReadOnlyList<VantageState> states = [];
        for (var i = 0; i < monitor.Definition.FailuresToAlert; i++)
        {
            states = Run(monitor, states, (agent, zone, ConnectTimeout)).States;
        }

        Assert.Equal(VantageStatus.Failing, states.Single(s => s.AgentId == agent).State);
        return states;
    }

    private static (IReadOnlyList<VantageState> States, Evaluation Evaluation) Run(MonitorRecord monitor, IReadOnlyList<VantageState> states, params (string Agent, string Zone, ProbeResult Result)[] runs)
    {
        var evaluation = Evaluate(monitor, states, Probe([.. runs.Select((r, i) => Completed(r.Agent, r.Zone, r.Result, i))]));
        return (evaluation.States, evaluation);
    }

    private static Evaluation Evaluate(MonitorRecord monitor, IReadOnlyList<VantageState> states, ProbeRecord probe) =>
        MonitorEvaluator.Evaluate(monitor, states, probe, Now, null);

    private static ProbeRecord Probe(params RunRecord[] runs) => new()
    {
        Id = Guid.NewGuid(),
        CreatedAt = Now,
        Status = ProbeStatus.Completed,
        Plan = new ProbeRequest { To = ["alice@corp.test"] }.ToPlan(),
        Runs = runs,
    };

    private static RunRecord Completed(string agent, string zone, ProbeResult result, int ordinal = 0) => new()
    {
        Id = Guid.NewGuid(),
        ProbeId = Guid.Empty,
        Ordinal = ordinal,
        Agent = new AgentRef(agent, agent, new Dictionary<string, string> { ["zone"] = zone }),
        Status = RunStatus.Completed,
        EndedAt = Now,
        Result = result,
    };

    private static RunRecord Lost(string agent, string zone) => new()
    {
        Id = Guid.NewGuid(),
        ProbeId = Guid.Empty,
        Ordinal = 0,
        Agent = new AgentRef(agent, agent, new Dictionary<string, string> { ["zone"] = zone }),
        Status = RunStatus.AgentLost,
        EndedAt = Now,
        Diagnosis = RunDiagnoses.AgentLost,
    };

    private static ProbeResult WithCertificate(DateTimeOffset notAfter, string thumbprint) =>
        Pass with { Tls = Pass.Tls! with { Certificate = Pass.Tls!.Certificate! with { NotAfter = notAfter, Thumbprint = thumbprint } } };
}
