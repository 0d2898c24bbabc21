using Polly.Timeout;
using SmtpProbeHub.Probe.Diagnostics;
using SmtpProbeHub.Probe.Dialog;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Resolution;
using SmtpProbeHub.Probe.Steps;
using SmtpProbeHub.Probe.Targets;
using SmtpProbeHub.Probe.Timeouts;
using SmtpProbeHub.Probe.Validation;

namespace SmtpProbeHub.Probe;

/// <summary>
/// Runs the KB 153119 sequence for a plan and returns what it saw. Thread-safe: one runner serves many
/// concurrent probes. Invalid plans are refused with "input.invalid" before anything is sent.
/// </summary>
public sealed class ProbeRunner : IProbeRunner
{
    private readonly ProbeEngineOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly TimeoutPipeline _timeouts;
    private readonly MxResolver _resolver;

    /// <summary>Creates a runner for the place it runs in.</summary>
    /// <param name="options">Engine settings (DNS servers, reply limits).</param>
    /// <param name="timeProvider">The clock for timings and timeouts; the system clock when null.</param>
    public ProbeRunner(ProbeEngineOptions options, TimeProvider? timeProvider = null)
        : this(options, timeProvider, new DnsClientLookup((options ?? throw new ArgumentNullException(nameof(options))).DnsServers))
    {
    }

    internal ProbeRunner(ProbeEngineOptions options, TimeProvider? timeProvider, IDnsLookup dns)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.DnsServers);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxReplyLineBytes, 512, nameof(options.MaxReplyLineBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxReplyLines, 1, nameof(options.MaxReplyLines));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBytesRead, options.MaxReplyLineBytes, nameof(options.MaxBytesRead));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxTranscriptBodyBytes, nameof(options.MaxTranscriptBodyBytes));
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _timeouts = new TimeoutPipeline(_timeProvider);
        _resolver = new MxResolver(dns);
    }

    /// <inheritdoc />
    public Task<ProbeResult> RunAsync(ProbePlan plan, IProbeObserver? observer = null, CancellationToken cancellationToken = default) =>
        RunAsync(plan, null, observer, cancellationToken);

    /// <inheritdoc />
    public async Task<ProbeResult> RunAsync(ProbePlan plan, TargetPolicy? narrowedBy, IProbeObserver? observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var transcript = new TranscriptRecorder(_timeProvider, observer);
        var session = new ProbeSession(plan, _options, transcript, _timeouts, observer)
        {
            Targets = _options.Targets.And(narrowedBy),
            Resolver = _resolver,
        };
        await using (session.ConfigureAwait(false))
        {
            var errors = PlanValidator.Validate(plan);
            if (errors.Count > 0)
            {
                var summary = string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}"));
                transcript.Info($"Plan refused, nothing sent: {summary}");
                session.Fail(null, DiagnosisCodes.InputInvalid, summary);
                return Build(session, transcript);
            }

            try
            {
                await _timeouts.ExecuteAsync(
                    TimeSpan.FromSeconds(plan.Timeouts.TotalSeconds),
                    async ct => await ProbeSequence.RunAsync(session, ct).ConfigureAwait(false),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutRejectedException) when (!cancellationToken.IsCancellationRequested)
            {
                session.EndCurrentByTotalTimeout();
            }
        }

        return Build(session, transcript);
    }

    private static ProbeResult Build(ProbeSession session, TranscriptRecorder transcript) => new()
    {
        Verdict = session.Diagnosis is null ? Verdict.Passed : Verdict.Failed,
        FailedStep = session.FailedStep,
        Diagnosis = session.Diagnosis,
        Server = session.Server,
        DurationMs = transcript.ElapsedMs,
        Steps = [.. session.Steps],
        Transcript = transcript.Snapshot(),
        Resolution = session.Resolution,
        Capabilities = session.Steps.Any(s => s.Name is StepName.Ehlo or StepName.Helo && s.Outcome == StepOutcome.Ok) ? session.Capabilities : null,
        Tls = session.Tls,
        QueueId = session.QueueId,
    };
}
