using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Contracts.V1;

namespace SmtpProbeHub.Agent.Worker;

/// <summary>
/// Keeps the agent connected to its hub: dial out, serve the stream, and after any failure dial
/// again with Polly's jittered exponential backoff (never faster than 2 s). On stop it takes no
/// more work, lets runs in flight finish (or cancels them after Agent:DrainSeconds) and stays
/// connected until their results are acknowledged or the grace time is over.
/// </summary>
internal sealed class AgentWorker(
    IOptions<AgentOptions> options,
    RunScheduler scheduler,
    ResultSpool spool,
    HubOutbox outbox,
    TimeProvider time,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private static readonly TimeSpan AckGrace = TimeSpan.FromSeconds(5);
    private readonly ILogger _log = loggerFactory.CreateLogger<AgentWorker>();
    private readonly Random _random = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var agentId = AgentIdentity.LoadOrCreate(settings.DataDirectory);
        var agentKey = AgentIdentity.LoadOrCreateKey(settings.DataDirectory);
        if (HubAddress.IsInsecureRemote(new Uri(settings.HubUrl)))
        {
            _log.LogWarning("Agent:AllowInsecure is set: talking to hub {HubUrl} in plaintext; the token and every assignment cross the network unencrypted", settings.HubUrl);
        }

        _log.LogInformation("Agent {Name} ({AgentId}) labels [{Labels}], capacity {Capacity}, {Pending} unacknowledged result(s) on disk",
            settings.Name, agentId, string.Join(", ", settings.Labels.Select(l => $"{l.Key}={l.Value}")), settings.Capacity, spool.Count);

        using var channel = HubChannelFactory.Create(settings, loggerFactory);
        var session = new HubSession(new AgentHub.AgentHubClient(channel), settings, agentId, agentKey, scheduler, spool, outbox, time, _log);
        var pipeline = ReconnectBackoff.Pipeline(time, _random, args =>
        {
            _log.LogWarning("Cannot connect: {Reason}; retrying in {Delay:0.0}s", ConnectFailure.Describe(args.Outcome.Exception!, settings.HubUrl), args.RetryDelay.TotalSeconds);
            return ValueTask.CompletedTask;
        });

        using var sessionCts = new CancellationTokenSource();
        Task? drain = null;
        await using var onStop = stoppingToken.Register(() => drain = DrainAsync(sessionCts));
        while (!sessionCts.IsCancellationRequested)
        {
            try
            {
                await pipeline.ExecuteAsync(async ct => await ServeOnceAsync(session, ct), sessionCts.Token);
            }
            catch (OperationCanceledException) when (sessionCts.IsCancellationRequested)
            {
                break;
            }

            // The session had been accepted and then broke: start over with a fresh backoff, but still wait.
            var delay = ReconnectBackoff.Delay(0, _random);
            _log.LogInformation("Reconnecting in {Delay:0.0}s", delay.TotalSeconds);
            try { await Task.Delay(delay, time, sessionCts.Token); }
            catch (OperationCanceledException) { break; }
        }
        if (drain is not null)
        {
            await drain;
        }

        _log.LogInformation("Agent stopped; {Pending} unacknowledged result(s) stay on disk for the next start", spool.Count);
    }

    /// <summary>Returns when an accepted session ends; throws when it never got accepted (so Polly backs off).</summary>
    private async Task ServeOnceAsync(HubSession session, CancellationToken ct)
    {
        var accepted = false;
        try
        {
            await session.RunAsync(() => accepted = true, ct);
        }
        catch (Exception ex) when (accepted && !ct.IsCancellationRequested)
        {
            _log.LogWarning("Lost the hub: {Reason}", ConnectFailure.Describe(ex, options.Value.HubUrl));
        }
    }

    private async Task DrainAsync(CancellationTokenSource sessionCts)
    {
        scheduler.StopAccepting();
        var drainFor = TimeSpan.FromSeconds(options.Value.DrainSeconds);
        _log.LogInformation("Stopping: no new work; waiting up to {Seconds}s for {InFlight} run(s) in flight", drainFor.TotalSeconds, scheduler.InFlight);
        if (!await scheduler.WaitIdleAsync(drainFor))
        {
            scheduler.CancelAll("the agent is shutting down");
            await scheduler.WaitIdleAsync(TimeSpan.FromSeconds(5));
        }
        // Give the hub a moment to acknowledge what was just sent; the spool keeps the rest anyway.
        var until = time.GetUtcNow() + AckGrace;
        while (outbox.IsConnected && spool.Count > 0 && time.GetUtcNow() < until)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time);
        }

        await sessionCts.CancelAsync();
    }
}
