using Microsoft.Extensions.Time.Testing;
using Polly;
using SmtpProbeHub.Agent.Worker;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.Agent.Tests.Worker;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void EveryDelay_IsAtLeastTwoSeconds_AndAtMostTheCap()
    {
        var random = new Random(42);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var delay = ReconnectBackoff.Delay(attempt, random);
            Assert.InRange(delay, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60));
        }
    }

    [Fact]
    public void Delays_GrowWithAttempts_UntilTheCap()
    {
        var random = new Random(1);
        double Mean(int attempt) => Enumerable.Range(0, 500).Average(_ => ReconnectBackoff.Delay(attempt, random).TotalSeconds);

        Assert.True(Mean(0) < Mean(1) && Mean(1) < Mean(2) && Mean(2) < Mean(3));
        Assert.True(Mean(20) > 40, "far attempts sit near the 60 s cap");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(30)]
    public void Delays_AreJittered_AtEveryAttempt(int attempt)
    {
        var random = new Random(7);
        var delays = Enumerable.Range(0, 50).Select(_ => ReconnectBackoff.Delay(attempt, random)).Distinct().Count();

        Assert.True(delays > 40, $"only {delays} distinct delays out of 50");
    }

    [Fact]
    public async Task PollyPipeline_NeverRetriesSoonerThanTwoSeconds()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;
        var pipeline = ReconnectBackoff.Pipeline(time, new Random(3), _ => ValueTask.CompletedTask);
        using var cts = new CancellationTokenSource();

        var running = pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            throw new InvalidOperationException("hub down");
        }, cts.Token).AsTask();

        Assert.Equal(1, attempts);
        time.Advance(TimeSpan.FromSeconds(1.99));
        await Task.Yield();
        Assert.Equal(1, attempts);
        time.Advance(TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(() => attempts >= 2, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(10));

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }
}
