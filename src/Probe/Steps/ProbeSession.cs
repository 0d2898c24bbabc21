using SmtpProbeHub.Probe.Diagnostics;
using SmtpProbeHub.Probe.Dialog;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Resolution;
using SmtpProbeHub.Probe.Timeouts;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>The state of one run: the connection, what was learned, and the steps recorded so far.</summary>
internal sealed class ProbeSession(
    ProbePlan plan, ProbeEngineOptions options, TranscriptRecorder transcript, TimeoutPipeline timeouts, IProbeObserver? observer)
    : IAsyncDisposable
{
    private readonly List<ProbeStep> _steps = [];
    private StepScope? _current;

    public ProbePlan Plan => plan;
    public ProbeEngineOptions Options => options;
    public TranscriptRecorder Transcript => transcript;
    public TimeoutPipeline TimeoutPipeline => timeouts;
    public TimeProvider Time => transcript.TimeProvider;

    /// <summary>Where this run may connect: the engine's policy and the hub's for this run.</summary>
    public Targets.TargetPolicy Targets { get; init; } = Probe.Targets.TargetPolicy.Default;

    public required MxResolver Resolver { get; init; }

    /// <summary>What the resolve step found: the hosts the connect step tries, in order.</summary>
    public IReadOnlyList<ResolvedHost> Hosts { get; set; } = [];

    public SmtpConnection? Connection { get; set; }

    /// <summary>Connected and at a reply boundary, so a polite QUIT makes sense.</summary>
    public bool InSync { get; set; }

    /// <summary>The name certificates are checked against (MX or server name, or the IP).</summary>
    public string HostName { get; set; } = "";

    public EhloCapabilities Capabilities { get; set; } = new();
    public ResolutionReport? Resolution { get; set; }
    public ServerEndpoint? Server { get; set; }
    public TlsReport? Tls { get; set; }
    public string? QueueId { get; set; }

    /// <summary>Which round of a step that runs more than once this is (the recipient's index for <c>rcpt</c>).</summary>
    public int Round { get; set; }

    public ComposedMessage? Message { get; set; }
    public StepName? FailedStep { get; private set; }
    public Diagnosis? Diagnosis { get; private set; }
    public IReadOnlyList<ProbeStep> Steps => _steps;

    public TimeSpan CommandTimeout => TimeSpan.FromSeconds(plan.Timeouts.CommandSeconds);

    /// <summary>The HELO name as sent: A-labels for an internationalized name, since EHLO comes before SMTPUTF8 is known.</summary>
    public string HeloName => Validation.Syntax.ToAsciiHost(plan.Helo) ?? plan.Helo;

    public StepScope Begin(StepName name)
    {
        _current = new StepScope(name, Time.GetUtcNow(), Time.GetTimestamp());
        return _current;
    }

    /// <summary>Records a step; the first failing one names the failure and its diagnosis.</summary>
    public void End(
        StepScope scope, StepOutcome outcome, SmtpReply? reply = null, string? detail = null,
        string? diagnosisCode = null, string? diagnosisDetail = null, bool countsAsFailure = true)
    {
        if (ReferenceEquals(_current, scope))
        {
            _current = null;
        }

        var elapsed = Math.Round(Time.GetElapsedTime(scope.Timestamp).TotalMilliseconds, 1);
        var step = new ProbeStep(scope.Name, scope.Command, outcome, reply, scope.StartedAt, elapsed, detail);
        _steps.Add(step);
        if (countsAsFailure && outcome is not (StepOutcome.Ok or StepOutcome.Skipped) && FailedStep is null)
        {
            Fail(scope.Name, diagnosisCode ?? DiagnosisCodes.For(scope.Name, "rejected"), diagnosisDetail);
        }

        ObserverGuard.Call(() => observer?.OnStep(step));
    }

    /// <summary>A failure outside any step (e.g. refused input).</summary>
    public void Fail(StepName? step, string code, string? detail)
    {
        FailedStep ??= step;
        Diagnosis ??= DiagnosisCatalog.Describe(code, detail);
    }

    /// <summary>The whole probe ran out of time: the step in progress ends as a timeout.</summary>
    public void EndCurrentByTotalTimeout()
    {
        InSync = false;
        var detail = $"the probe's total timeout ({plan.Timeouts.TotalSeconds} s) ran out";
        transcript.Info($"Timed out: {detail}");
        if (_current is { } scope)
        {
            End(scope, StepOutcome.Timeout, detail: detail, diagnosisCode: DiagnosisCodes.ProbeTimeout);
        }
        else
        {
            Fail(null, DiagnosisCodes.ProbeTimeout, detail);
        }
    }

    public async ValueTask DisposeAsync()
    {
        InSync = false;
        if (Connection is { } connection)
        {
            Connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
            transcript.Info("Connection closed.");
        }
    }
}

/// <summary>A step in progress: its name, start, and the command sent (secrets masked) once known.</summary>
internal sealed class StepScope(StepName name, DateTimeOffset startedAt, long timestamp)
{
    public StepName Name => name;
    public DateTimeOffset StartedAt => startedAt;
    public long Timestamp => timestamp;
    public string? Command { get; set; }
}
