using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Agent.Worker;
using SmtpProbeHub.Contracts.Mapping;
using SmtpProbeHub.Contracts.V1;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Agent.Tests.Worker;

public sealed class RunSchedulerTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly Channel<AgentMessage> _sent = Channel.CreateUnbounded<AgentMessage>();
    private readonly HubOutbox _outbox = new();
    private readonly ResultSpool _spool;

    public RunSchedulerTests()
    {
        _spool = new ResultSpool(_dir.Path, NullLogger<ResultSpool>.Instance);
        _outbox.Attach(_sent.Writer);
    }

    public void Dispose() => _dir.Dispose();

    private RunScheduler Scheduler(FakeProbeRunner runner, int capacity = 2) =>
        new(runner, _spool, _outbox, TimeProvider.System, Options.Create(new AgentOptions { Capacity = capacity, DataDirectory = _dir.Path }), NullLogger<RunScheduler>.Instance);

    private static Assignment Assign(string runId, TimeSpan? deadlineIn = null, string password = "") =>
        ProbeWire.ToAssignment(runId,
            new ProbePlan { To = ["a@corp.test"], Auth = password.Length > 0 ? new AuthPlan { Username = "u", Password = password } : null },
            DateTimeOffset.UtcNow + (deadlineIn ?? TimeSpan.FromMinutes(1)));

    private async Task<RunResult> NextResult()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var message = await _sent.Reader.ReadAsync(timeout.Token);
            if (message.KindCase == AgentMessage.KindOneofCase.Result)
            {
                return message.Result;
            }
        }
    }

    [Fact]
    public async Task CompletedRun_StreamsProgress_ThenSpoolsAndSendsItsResult()
    {
        var scheduler = Scheduler(new FakeProbeRunner());

        scheduler.Accept(Assign("run-1"));
        var result = await NextResult();

        Assert.Equal(RunOutcome.Completed, result.Outcome);
        Assert.Equal(Verdict.Passed, ProbeWire.ResultOf(result)!.Verdict);
        Assert.Equal("run-1", _spool.TryLoad("run-1")?.RunId);
        Assert.Equal(0, scheduler.InFlight);
    }

    [Fact]
    public async Task Progress_IsStreamedAsItHappens_BeforeTheRunEnds()
    {
        var runner = new FakeProbeRunner { WaitForRelease = true };
        var scheduler = Scheduler(runner);

        scheduler.Accept(Assign("run-1"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var first = await _sent.Reader.ReadAsync(timeout.Token);
        var second = await _sent.Reader.ReadAsync(timeout.Token);

        Assert.Equal("220 fake ESMTP", ProbeWire.TranscriptOf(first.Progress)!.Text);
        Assert.Equal(StepName.Banner, ProbeWire.StepOf(second.Progress)!.Name);
        Assert.Equal(1, scheduler.InFlight);
        runner.Release();
        Assert.Equal(RunOutcome.Completed, (await NextResult()).Outcome);
    }

    [Fact]
    public async Task Cancel_StopsTheProbe_AndReportsCanceledWithTheReason()
    {
        var scheduler = Scheduler(new FakeProbeRunner { WaitForRelease = true });
        scheduler.Accept(Assign("run-1"));

        scheduler.Cancel("run-1", "canceled by the user");
        var result = await NextResult();

        Assert.Equal(RunOutcome.Canceled, result.Outcome);
        Assert.Equal("canceled by the user", result.Reason);
    }

    [Fact]
    public async Task Deadline_StopsTheProbe_AndReportsTimedOut()
    {
        var scheduler = Scheduler(new FakeProbeRunner { WaitForRelease = true });

        scheduler.Accept(Assign("run-1", deadlineIn: TimeSpan.FromMilliseconds(300)));
        var result = await NextResult();

        Assert.Equal(RunOutcome.TimedOut, result.Outcome);
    }

    [Fact]
    public async Task AssignmentBeyondCapacity_IsRejected_NotRun()
    {
        var runner = new FakeProbeRunner { WaitForRelease = true };
        var scheduler = Scheduler(runner, capacity: 1);
        scheduler.Accept(Assign("run-1"));

        scheduler.Accept(Assign("run-2"));

        var rejected = await FirstOf(AgentMessage.KindOneofCase.Rejected);
        Assert.Equal("run-2", rejected.Rejected.RunId);
        Assert.Contains("capacity", rejected.Rejected.Reason);
        Assert.Equal(["run-1"], scheduler.RunningIds);
        runner.Release();
    }

    [Fact]
    public async Task AssignmentWhileStopping_IsRejected()
    {
        var scheduler = Scheduler(new FakeProbeRunner());
        scheduler.StopAccepting();

        scheduler.Accept(Assign("run-1"));

        Assert.Contains("shutting down", (await FirstOf(AgentMessage.KindOneofCase.Rejected)).Rejected.Reason);
    }

    [Fact]
    public async Task ReassignedFinishedRun_ResendsTheKeptResult_WithoutRunningAgain()
    {
        var runner = new FakeProbeRunner();
        var scheduler = Scheduler(runner);
        scheduler.Accept(Assign("run-1"));
        await NextResult();

        scheduler.Accept(Assign("run-1"));

        Assert.Equal("run-1", (await NextResult()).RunId);
        Assert.Single(runner.Plans);
    }

    [Fact]
    public async Task Password_ReachesTheProbe_ButNotTheSpool()
    {
        var runner = new FakeProbeRunner();
        var scheduler = Scheduler(runner);

        scheduler.Accept(Assign("run-1", password: "p4ss-w0rd"));
        await NextResult();

        Assert.Equal("p4ss-w0rd", runner.Plans.Single().Auth!.Password);
        foreach (var file in Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain("p4ss-w0rd", File.ReadAllText(file));
        }
    }

    [Fact]
    public async Task ResultWhileDisconnected_IsKeptOnDisk_ForTheNextSession()
    {
        _outbox.Detach(_sent.Writer);
        var scheduler = Scheduler(new FakeProbeRunner());

        scheduler.Accept(Assign("run-1"));
        Assert.True(await scheduler.WaitIdleAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(["run-1"], _spool.LoadAll().Select(r => r.RunId));
    }

    private async Task<AgentMessage> FirstOf(AgentMessage.KindOneofCase kind)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var message = await _sent.Reader.ReadAsync(timeout.Token);
            if (message.KindCase == kind)
            {
                return message;
            }
        }
    }
}
