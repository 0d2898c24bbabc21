using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Monitors.Alerts;

/// <summary>
/// The JSON body of an alert webhook (and of an entry of GET /api/v1/monitors/{id}/alerts). Signed: header
/// X-SmtpProbeHub-Signature is "sha256=" + lower-case hex HMAC-SHA256(secret, X-SmtpProbeHub-Timestamp + "." + body);
/// refuse a timestamp more than a few minutes old to stop replays. <c>id</c> (also header Idempotency-Key) is the same in
/// every retry: a receiver that saw it already can answer 2xx and do nothing.
/// </summary>
public sealed record AlertPayload
{
    /// <summary>The alert id: the idempotency key (same in every retry and to every webhook).</summary>
    public required Guid Id { get; init; }

    /// <summary>failing | recovered | insidePassesOutsideFails | certExpiring | slowStep | flapping.</summary>
    public required AlertKind Kind { get; init; }

    /// <summary>When the alert was raised.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The monitor.</summary>
    public required AlertMonitor Monitor { get; init; }

    /// <summary>The vantage points (agents) it concerns, with their state after the run.</summary>
    public required IReadOnlyList<AlertAgent> Agents { get; init; }

    /// <summary>One line for people.</summary>
    public required string Summary { get; init; }

    /// <summary>The same as Slack/Teams text (incoming webhooks of both show a top-level <c>text</c>).</summary>
    public required string Text { get; init; }

    /// <summary>The probe that raised it.</summary>
    public Guid? ProbeId { get; init; }

    /// <summary>Where its transcript is: /api/v1/probes/{probeId}, absolute when Hub:Monitors:PublicBaseUrl is set.</summary>
    public string? ProbeUrl { get; init; }

    /// <summary>The step that failed (failing, insidePassesOutsideFails).</summary>
    public StepName? FailedStep { get; init; }

    /// <summary>The diagnosis of the failure.</summary>
    public Diagnosis? Diagnosis { get; init; }

    /// <summary>insidePassesOutsideFails: the comparison's finding (code, cause, next step), as GET /api/v1/probes/{id} shows it.</summary>
    public AlertFinding? Finding { get; init; }

    /// <summary>certExpiring: the certificate's expiry.</summary>
    public DateTimeOffset? CertificateNotAfter { get; init; }

    /// <summary>slowStep: the slowest step, its time and the threshold.</summary>
    public SlowStep? SlowStep { get; init; }
}

/// <summary>The kind of an alert.</summary>
public enum AlertKind
{
    /// <summary>A vantage point failed failuresToAlert times in a row: the verdict changed to failed.</summary>
    Failing,

    /// <summary>A failing vantage point passed passesToRecover times in a row.</summary>
    Recovered,

    /// <summary>
    /// The KB's external-host case: inside agents pass while outside agents fail, i.e. mail from the internet does not
    /// reach the server although it works inside. Sent instead of the outside agents' <c>failing</c> alerts.
    /// </summary>
    InsidePassesOutsideFails,

    /// <summary>The server's TLS certificate expires within certExpiryDays.</summary>
    CertExpiring,

    /// <summary>A step took longer than slowStepMs.</summary>
    SlowStep,

    /// <summary>A vantage point's outcomes alternate too often: failing/recovered alerts pause until it settles.</summary>
    Flapping,
}

/// <summary>The monitor an alert is about.</summary>
/// <param name="Id">Monitor id.</param>
/// <param name="Name">Monitor name.</param>
public sealed record AlertMonitor(Guid Id, string Name);

/// <summary>A vantage point in an alert.</summary>
/// <param name="Id">Agent id.</param>
/// <param name="Name">Agent name.</param>
/// <param name="Zone">Its zone label ("" when none).</param>
/// <param name="State">Its state after the run.</param>
/// <param name="ConsecutiveFailures">Failed runs in a row.</param>
public sealed record AlertAgent(string Id, string Name, string Zone, VantageStatus State, int ConsecutiveFailures);

/// <summary>A comparison finding in an alert.</summary>
/// <param name="Code">e.g. path.inbound_filtered.</param>
/// <param name="Summary">What was seen.</param>
/// <param name="Cause">The likely cause.</param>
/// <param name="NextStep">What to check next.</param>
public sealed record AlertFinding(string Code, string Summary, string Cause, string NextStep);

/// <summary>The slowest step of a run.</summary>
/// <param name="Step">Its name.</param>
/// <param name="ElapsedMs">How long it took.</param>
/// <param name="ThresholdMs">The monitor's slowStepMs.</param>
public sealed record SlowStep(StepName Step, double ElapsedMs, int ThresholdMs);
