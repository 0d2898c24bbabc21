using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Tests.Support;

/// <summary>A remote-like agent under the test's control: holds each run until released, or never answers.</summary>
internal sealed class TestAgent(string id, Dictionary<string, string>? labels = null, int capacity = 4) : IProbeAgent
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _starts = new(0);
    private int _running;
    private int _maxRunning;

    public string Id => id;

    public string Name => id;

    public IReadOnlyDictionary<string, string> Labels { get; } = labels ?? [];

    public int Capacity => capacity;

    public bool Hold { get; init; }

    public int MaxConcurrent => Volatile.Read(ref _maxRunning);

    public int Started;

    public void Release() => _release.TrySetResult();

    /// <summary>Waits for the next run to start on this agent (each start is waited for once); throws when none does in time.</summary>
    public async Task NextStartAsync(double seconds = 10)
    {
        if (!await _starts.WaitAsync(TimeSpan.FromSeconds(seconds), TestContext.Current.CancellationToken))
        {
            throw new TimeoutException($"no run started on agent {id} within {seconds} s (started so far: {Volatile.Read(ref Started)})");
        }
    }

    public async Task<ProbeResult> RunAsync(RunAssignment assignment, IProbeObserver progress, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Started);
        var now = Interlocked.Increment(ref _running);
        int seen;
        while ((seen = Volatile.Read(ref _maxRunning)) < now && Interlocked.CompareExchange(ref _maxRunning, now, seen) != seen)
        {
        }

        try
        {
            progress.OnStep(new ProbeStep(StepName.Banner, null, StepOutcome.Ok, new SmtpReply(220, null, [id]), DateTimeOffset.UtcNow, 1));
            _starts.Release();
            if (Hold)
            {
                await _release.Task.WaitAsync(cancellationToken);
            }

            return new ProbeResult { Verdict = Verdict.Passed, DurationMs = 1, Server = new ServerEndpoint("mx", "127.0.0.1", 25) };
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
