using SmtpProbeHub.Probe;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Tests.Support;

/// <summary>
/// Stands in for the engine where a test is about the hub (dispatch, storage, events), not SMTP: reports
/// the KB sequence's steps with their reply codes, optionally holding before the end until released.
/// </summary>
internal sealed class FakeRunner : IProbeRunner
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    public bool Hold { get; init; }

    public int Calls => Volatile.Read(ref _calls);

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<ProbePlan> Plans { get; } = [];

    public void Release() => _release.TrySetResult();

    /// <summary>The target policy each run was given on top of the engine's own (null: none).</summary>
    public List<SmtpProbeHub.Probe.Targets.TargetPolicy?> Targets { get; } = [];

    public async Task<ProbeResult> RunAsync(ProbePlan plan, SmtpProbeHub.Probe.Targets.TargetPolicy? narrowedBy, IProbeObserver? observer, CancellationToken cancellationToken)
    {
        lock (Targets)
        {
            Targets.Add(narrowedBy);
        }

        Interlocked.Increment(ref _calls);
        lock (Plans)
        {
            Plans.Add(plan);
        }

        var steps = new List<ProbeStep>();
        var transcript = new List<TranscriptEntry>();
        void Step(StepName name, string? command, int code)
        {
            var entry = new TranscriptEntry(steps.Count, TranscriptDirection.Received, $"{code} ok");
            transcript.Add(entry);
            observer?.OnTranscript(entry);
            var step = new ProbeStep(name, command, StepOutcome.Ok, new SmtpReply(code, null, ["ok"]), DateTimeOffset.UtcNow, 1.5);
            steps.Add(step);
            observer?.OnStep(step);
        }

        Step(StepName.Banner, null, 220);
        Step(StepName.Ehlo, "EHLO " + plan.Helo, 250);
        Started.TrySetResult();
        if (Hold)
        {
            await _release.Task.WaitAsync(cancellationToken);
        }

        Step(StepName.Mail, $"MAIL FROM:<{plan.From}>", 250);
        Step(StepName.Rcpt, $"RCPT TO:<{plan.To[0]}>", 250);
        Step(StepName.Data, "DATA", 354);
        Step(StepName.Message, ".", 250);
        Step(StepName.Quit, "QUIT", 221);
        return new ProbeResult
        {
            Verdict = Verdict.Passed,
            Server = new ServerEndpoint(plan.Server ?? "mx", "127.0.0.1", plan.EffectivePort),
            DurationMs = 12.5,
            Steps = steps,
            Transcript = transcript,
            QueueId = "ABC123",
        };
    }
}
