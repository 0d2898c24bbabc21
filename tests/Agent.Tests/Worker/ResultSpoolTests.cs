using Microsoft.Extensions.Logging.Abstractions;
using SmtpProbeHub.Agent.Worker;
using SmtpProbeHub.Contracts.Mapping;
using SmtpProbeHub.Contracts.V1;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Agent.Tests.Worker;

public sealed class ResultSpoolTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ResultSpool NewSpool() => new(_dir.Path, NullLogger<ResultSpool>.Instance);

    private static RunResult Completed(string runId) =>
        ProbeWire.ToCompleted(runId, new ProbeResult { Verdict = Verdict.Passed, DurationMs = 3 }, DateTimeOffset.UnixEpoch);

    [Fact]
    public void SavedResult_SurvivesARestart_AndIsReloadedWhole()
    {
        NewSpool().Save(Completed("run-a"));
        NewSpool().Save(ProbeWire.ToEnded("run-b", RunOutcome.Canceled, "canceled by the hub", DateTimeOffset.UnixEpoch));

        var reloaded = NewSpool().LoadAll();

        Assert.Equal(["run-a", "run-b"], reloaded.Select(r => r.RunId).Order());
        Assert.Equal(Verdict.Passed, ProbeWire.ResultOf(reloaded.Single(r => r.RunId == "run-a"))!.Verdict);
        Assert.Equal("canceled by the hub", reloaded.Single(r => r.RunId == "run-b").Reason);
    }

    [Fact]
    public void Ack_DeletesTheResult_SoItIsNotResentAfterRestart()
    {
        var spool = NewSpool();
        spool.Save(Completed("run-a"));
        spool.Save(Completed("run-b"));

        Assert.True(spool.Delete("run-a"));

        Assert.Equal(["run-b"], NewSpool().LoadAll().Select(r => r.RunId));
        Assert.False(spool.Delete("run-a"));
    }

    [Fact]
    public void SameRunSavedTwice_IsKeptOnce()
    {
        var spool = NewSpool();
        spool.Save(Completed("run-a"));
        spool.Save(Completed("run-a"));

        Assert.Equal(1, spool.Count);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("run\r\nid")]
    public void UnsafeRunId_IsRefused_AndNoFileIsWrittenOutsideTheSpool(string runId)
    {
        var spool = NewSpool();
        var result = Completed("x");
        result.RunId = runId;

        Assert.Throws<ArgumentException>(() => spool.Save(result));
        Assert.False(spool.Delete(runId));
        Assert.False(File.Exists(Path.Combine(_dir.Path, "escape.result")));
        Assert.Equal(0, spool.Count);
    }

    [Fact]
    public void CorruptFile_IsSetAside_NotSentAndNotFatal()
    {
        var spool = NewSpool();
        spool.Save(Completed("run-good"));
        File.WriteAllBytes(Path.Combine(_dir.Path, "results", "run-bad.result"), [0xFF, 0xFF, 0xFF, 0xFF]);

        var loaded = spool.LoadAll();

        Assert.Equal(["run-good"], loaded.Select(r => r.RunId));
        Assert.True(File.Exists(Path.Combine(_dir.Path, "results", "run-bad.result.bad")));
    }
}
