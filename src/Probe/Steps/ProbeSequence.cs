using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>
/// The KB 153119 sequence as a table: each row names the step, how often it runs, what it does, and what a failure
/// or a stop by <see cref="ProbePlan.QuitAfter"/> does to the dialog. A failure stops the dialog; so does quitAfter,
/// right before the first row placed after the step it names. QUIT then closes every dialog still in step.
/// </summary>
internal static class ProbeSequence
{
    private static readonly SequenceStep[] Steps =
    [
        new(StepName.Resolve, Runs.Once, ResolveStep.RunAsync),
        new(StepName.Connect, Runs.Once, ConnectStep.RunAsync),
        // SMTPS greets over TLS, so its handshake comes first, and quitAfter counts it with the greeting.
        new(StepName.Starttls, Runs.When(TlsIsImplicit), StartTlsStep.RunImplicitAsync) { Place = StepName.Banner, IfStoppedBefore = Stopping.HangUp },
        new(StepName.Banner, Runs.Once, BannerStep.RunAsync) { IfStoppedBefore = Stopping.HangUp },
        new(StepName.Ehlo, Runs.Once, EhloStep.RunAsync),
        new(StepName.Starttls, Runs.When(StartTlsIsWanted), StartTlsStep.RunAsync),
        new(StepName.Auth, Runs.When(AuthIsGiven), AuthStep.RunAsync),
        new(StepName.Mail, Runs.Once, MailStep.RunAsync),
        new(StepName.Rcpt, Runs.PerRecipient, RcptStep.RunAsync) { OnFailure = OnFailure.NextRecipient },
        new(StepName.Data, Runs.Once, DataStep.RunDataAsync),
        new(StepName.Message, Runs.Once, DataStep.RunMessageAsync) { IfStoppedBefore = Stopping.HangUpInsteadOfMessage },
        // …and QUIT, which ends every dialog (see RunAsync).
    ];

    /// <summary>
    /// Runs the rows, then QUIT whenever the connection is still in step: after the last row, after a stop, and
    /// (politely and briefly) after a failure.
    /// </summary>
    public static async Task RunAsync(ProbeSession session, CancellationToken cancellationToken)
    {
        var ranToTheEnd = await RunStepsAsync(session, cancellationToken).ConfigureAwait(false);
        await QuitStep.RunAsync(session, afterFailure: !ranToTheEnd && session.FailedStep is not null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when every row ran; false when a failure or quitAfter stopped the dialog.</summary>
    private static async Task<bool> RunStepsAsync(ProbeSession session, CancellationToken cancellationToken)
    {
        foreach (var step in Steps)
        {
            if (step.Place > session.Plan.QuitAfter)
            {
                Stop(session, step);
                return false;
            }

            var rounds = step.Runs(session);
            var succeeded = 0;
            for (var round = 0; round < rounds; round++)
            {
                session.Round = round;
                if (await step.Run(session, cancellationToken).ConfigureAwait(false))
                {
                    succeeded++;
                }
                else if (step.OnFailure == OnFailure.Stop || !session.InSync)
                {
                    return false;
                }
            }

            if (step.OnFailure == OnFailure.NextRecipient && succeeded == 0)
            {
                session.Transcript.Info("No recipient was accepted: DATA not sent");
                return false;
            }
        }

        return true;
    }

    private static void Stop(ProbeSession session, SequenceStep before)
    {
        var why = before.IfStoppedBefore.Note ?? $"stopping before {before.Place.ToString().ToLowerInvariant()}";
        session.Transcript.Info($"quitAfter {session.Plan.QuitAfter.ToString().ToLowerInvariant()}: {why}");
        if (before.IfStoppedBefore.HangsUp)
        {
            session.InSync = false;
        }
    }

    private static bool TlsIsImplicit(ProbePlan plan) => plan.Tls == TlsMode.Implicit;

    private static bool StartTlsIsWanted(ProbePlan plan) => plan.Tls is TlsMode.Opportunistic or TlsMode.Required;

    private static bool AuthIsGiven(ProbePlan plan) => plan.Auth is not null;
}

/// <summary>One row of <see cref="ProbeSequence"/>.</summary>
/// <param name="Name">The step the row records.</param>
/// <param name="Runs">How many times the row runs for a session (0: skipped, nothing recorded).</param>
/// <param name="Run">What the row does; false when the step failed.</param>
internal sealed record SequenceStep(StepName Name, Func<ProbeSession, int> Runs, Func<ProbeSession, CancellationToken, Task<bool>> Run)
{
    /// <summary>What a failure does to the dialog.</summary>
    public OnFailure OnFailure { get; init; } = OnFailure.Stop;

    /// <summary>Where the row stands in the order quitAfter counts in: its own step, unless it comes with another.</summary>
    public StepName Place { get; init; } = Name;

    /// <summary>How the dialog ends when quitAfter stops it right before this row.</summary>
    public Stopping IfStoppedBefore { get; init; } = Stopping.Quit;
}

/// <summary>How often a row of the sequence runs.</summary>
internal static class Runs
{
    public static readonly Func<ProbeSession, int> Once = _ => 1;

    public static readonly Func<ProbeSession, int> PerRecipient = session => session.Plan.To.Count;

    public static Func<ProbeSession, int> When(Func<ProbePlan, bool> condition) => session => condition(session.Plan) ? 1 : 0;
}

/// <summary>What a failed step does to the dialog.</summary>
internal enum OnFailure
{
    /// <summary>The dialog stops; QUIT follows when the connection is still in step.</summary>
    Stop,

    /// <summary>
    /// A refused recipient is recorded and the next one is tried. The dialog stops when the exchange broke (out of
    /// step), or when no recipient was accepted.
    /// </summary>
    NextRecipient,
}

/// <summary>How quitAfter ends the dialog before a row: with QUIT, or by hanging up when a QUIT would be misread.</summary>
/// <param name="HangsUp">Close without QUIT.</param>
/// <param name="Note">What the transcript says, when more than "stopping before (step)".</param>
internal sealed record Stopping(bool HangsUp, string? Note = null)
{
    public static readonly Stopping Quit = new(HangsUp: false);

    /// <summary>Nothing was said yet, and a QUIT before the greeting would be answered by the greeting.</summary>
    public static readonly Stopping HangUp = new(HangsUp: true);

    /// <summary>After 354 every line is message text, QUIT included: the only way to send nothing is to hang up.</summary>
    public static readonly Stopping HangUpInsteadOfMessage = new(HangsUp: true, "closing the connection without sending a message");
}
