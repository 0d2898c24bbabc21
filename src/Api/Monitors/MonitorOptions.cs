namespace SmtpProbeHub.Api.Monitors;

/// <summary>Section <c>Hub:Monitors</c>: the scheduler and the webhook outbox.</summary>
public sealed class MonitorOptions
{
    public const string Section = "Hub:Monitors";

    /// <summary>False: no monitor runs and no webhook is sent by this hub (the REST resource stays).</summary>
    public bool SchedulerEnabled { get; set; } = true;

    /// <summary>How often the scheduler looks for due slots and the outbox for due deliveries (ms). Also the worst extra lag.</summary>
    public int PollMilliseconds { get; set; } = 250;

    /// <summary>The most due monitors one look claims (the rest are next).</summary>
    public int MaxDuePerPoll { get; set; } = 5000;

    /// <summary>
    /// The shortest time between two slots of one monitor (seconds, default 60). With <see cref="MaxMonitors"/> it bounds
    /// what one API key can make the hub send through monitors (MaxMonitors / MinIntervalSeconds probes per second),
    /// which the per-client request rate alone does not: each monitor keeps probing after the request that made it.
    /// </summary>
    public int MinIntervalSeconds { get; set; } = 60;

    /// <summary>The most monitors this hub holds (default 10,000); one more is refused with 409 monitor_limit_reached.</summary>
    public int MaxMonitors { get; set; } = 10_000;

    /// <summary>Prefix of the transcript links in alerts, e.g. https://probehub.corp.example; empty: links are relative.</summary>
    public string PublicBaseUrl { get; set; } = "";

    public WebhookOptions Webhooks { get; set; } = new();
}

/// <summary>Section <c>Hub:Monitors:Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    /// <summary>
    /// Ports webhooks may use; default 80 and 443. Networks come from Hub:Targets (allowed and denied), on top of the
    /// built-in denials (loopback, link-local, private, this machine): the same target policy as probes.
    /// </summary>
    public List<string> AllowedPorts { get; set; } = [];

    /// <summary>Per HTTP attempt: a receiver that does not answer within this is given up on for that attempt.</summary>
    public double AttemptTimeoutSeconds { get; set; } = 10;

    /// <summary>HTTP attempts per round (retries on 5xx, 408, 429, timeouts and connection errors, with exponential backoff).</summary>
    public int AttemptsPerRound { get; set; } = 3;

    /// <summary>The first retry's delay within a round (ms), doubled each retry, with jitter.</summary>
    public int RetryDelayMilliseconds { get; set; } = 1000;

    /// <summary>Rounds before a delivery is given up (failed).</summary>
    public int MaxRounds { get; set; } = 5;

    /// <summary>The pause after a failed round (s), doubled each round, at most an hour.</summary>
    public int RoundBackoffSeconds { get; set; } = 30;

    /// <summary>Deliveries in flight at once; a slow receiver holds one of them, never the others.</summary>
    public int MaxConcurrent { get; set; } = 32;
}
