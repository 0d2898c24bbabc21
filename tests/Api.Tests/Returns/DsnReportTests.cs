using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Probes;
using SmtpProbeHub.Api.Probes.Comparison;
using SmtpProbeHub.Api.Returns;
using SmtpProbeHub.Api.Returns.Delivery;
using SmtpProbeHub.Api.Returns.Reports;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Tests.Returns;

/// <summary>Reading a DSN, matching it to its run's recipients, and the return addresses' tags.</summary>
public sealed class DsnReportTests
{
    private static readonly DateTimeOffset Accepted = new(2026, 12, 4, 16, 20, 0, TimeSpan.Zero);

    [Fact]
    public void Parse_PostfixReport_ReadsThePerMessageAndPerRecipientFields()
    {
        var runId = Guid.CreateVersion7();
        var (report, problem) = DsnParser.Parse(Encoding.ASCII.GetBytes(Dsns.Report(runId.ToString(), "gone@corp.test", "failed", "5.1.1", "smtp; 550 5.1.1\r\n    <gone@corp.test>: mailbox disabled")), runId, Accepted, 100_000);

        Assert.Null(problem);
        Assert.Equal(runId.ToString(), report!.EnvelopeId);
        Assert.Equal("mx.corp.test", report.ReportingMta);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 16, 20, 1, TimeSpan.Zero), report.ArrivalDate);
        var recipient = Assert.Single(report.Recipients);
        Assert.Equal(("gone@corp.test", "gone@corp.test", "failed", "5.1.1"), (recipient.FinalRecipient, recipient.OriginalRecipient, recipient.Action, recipient.Status));
        Assert.Equal("smtp; 550 5.1.1 <gone@corp.test>: mailbox disabled", recipient.DiagnosticCode);
        Assert.Equal("next.corp.test", recipient.RemoteMta);
        Assert.False(report.RawTruncated);
    }

    [Fact]
    public void Parse_LongReport_KeepsOnlyTheStartButEveryField()
    {
        var bytes = Encoding.ASCII.GetBytes(Dsns.Report("x", "alice@corp.test"));

        var (report, _) = DsnParser.Parse(bytes, Guid.Empty, Accepted, 100);

        Assert.True(report!.RawTruncated);
        Assert.Equal(100, report.Raw.Length);
        Assert.Equal(bytes.Length, report.RawBytes);
        Assert.Equal("delivered", report.Recipients[0].Action);
    }

    [Theory]
    [InlineData("Subject: hi\r\n\r\nplain text")]
    [InlineData("Content-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--")]
    [InlineData("Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\nFinal-Recipient: rfc822; a@b.c\r\nAction: shrugged\r\n\r\n--b--")]
    public void Parse_NotADeliveryStatusReport_SaysWhy(string message)
    {
        var (report, problem) = DsnParser.Parse(Encoding.ASCII.GetBytes(message), Guid.Empty, Accepted, 1000);

        Assert.Null(report);
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Fact]
    public void Delivery_NoReportYet_IsPendingUntilTheWaitEnds_ThenNoReport()
    {
        var run = Run([]);

        Assert.Equal(DeliveryState.Pending, DeliveryStates.Of(run, Plan(), Accepted.AddSeconds(59))!.State);
        Assert.Equal(DeliveryState.NoReport, DeliveryStates.Of(run, Plan(), Accepted.AddSeconds(61))!.State);
    }

    [Fact]
    public void Delivery_LateReport_IsRecordedAndMarkedLate()
    {
        var run = Run([Report("delivered", Accepted.AddSeconds(90))]);

        var recipient = DeliveryStates.Of(run, Plan(), Accepted.AddSeconds(120))!.Recipients[0];

        Assert.Equal(DeliveryState.Delivered, recipient.State);
        Assert.True(recipient.Late);
        Assert.Equal(90_000, recipient.LatencyMs);
    }

    [Fact]
    public void Delivery_DelayWarningThenSuccess_IsDelivered_AndAFailureAmongSeveralIsTheRunsState()
    {
        Assert.Equal(DeliveryState.Delivered, DeliveryStates.Of(Run([Report("delivered", Accepted.AddSeconds(5)), Report("delayed", Accepted.AddSeconds(9))]), Plan(), Accepted)!.State);

        var two = Run([Report("delivered", Accepted.AddSeconds(1), "alice@corp.test"), Report("failed", Accepted.AddSeconds(2), "bob@corp.test")], "alice@corp.test", "bob@corp.test");
        var delivery = DeliveryStates.Of(two, Plan("alice@corp.test", "bob@corp.test"), Accepted)!;

        Assert.Equal(DeliveryState.Failed, delivery.State);
        Assert.Equal([DeliveryState.Delivered, DeliveryState.Failed], delivery.Recipients.Select(r => r.State));
    }

    [Fact]
    public void Delivery_PlanWithoutConfirm_HasNone()
    {
        Assert.Null(DeliveryStates.Of(Run([]), Plan() with { Dsn = new DsnPlan() }, Accepted));
    }

    [Fact]
    public void Comparison_DeliveredInsideFailedOutside_IsADeliveryDifference_PendingIsNotJudged()
    {
        var inside = View("inside", DeliveryState.Delivered);
        var outside = View("outside", DeliveryState.Failed);
        var agreeing = new ProbeComparison { Agree = true, Summary = "All 2 vantage points agree: passed.", Outcomes = [], Zones = [], Findings = [] };

        var compared = DeliveryComparison.With(agreeing, [inside, outside])!;

        Assert.False(compared.Agree);
        var finding = Assert.Single(compared.Findings);
        Assert.Equal(("delivery.differs", FindingKind.Difference), (finding.Code, finding.Kind));
        Assert.Equal(["inside", "outside"], finding.Zones);
        Assert.Same(agreeing, DeliveryComparison.With(agreeing, [inside, View("outside", DeliveryState.Pending)]));
    }

    [Fact]
    public void ReturnAddress_RoundTrips_AnyCase_AndRefusesAnotherTagDomainOrAnOldRun()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var addresses = new ReturnAddresses(Options.Create(new ReturnsOptions { Domain = "Returns.Test", AcceptDays = 14 }), clock);
        addresses.UseKey(new byte[32]);
        var runId = Guid.CreateVersion7(clock.GetUtcNow());
        var address = addresses.For(runId);
        var (user, host) = (address[..address.IndexOf('@', StringComparison.Ordinal)], address[(address.IndexOf('@', StringComparison.Ordinal) + 1)..]);

        Assert.Equal(runId, addresses.RunOf(user, host));
        Assert.Equal(runId, addresses.RunOf(user.ToUpperInvariant(), host.ToUpperInvariant()));
        Assert.Null(addresses.RunOf(user[..^1] + (user[^1] == '0' ? '1' : '0'), host));
        Assert.Null(addresses.RunOf(user, "elsewhere.test"));
        var other = new ReturnAddresses(Options.Create(new ReturnsOptions { Domain = "returns.test" }), clock);
        other.UseKey(Enumerable.Repeat((byte)1, 32).ToArray());
        Assert.Null(other.RunOf(user, host));
        clock.Advance(TimeSpan.FromDays(15));
        Assert.Null(addresses.RunOf(user, host));
    }

    private static RunView View(string zone, DeliveryState state) => new()
    {
        Id = Guid.CreateVersion7(),
        Agent = new AgentRef(zone, zone, new Dictionary<string, string> { ["zone"] = zone }),
        Status = RunStatus.Completed,
        Delivery = new DeliveryView { State = state },
    };

    private static ProbePlan Plan(params string[] to) =>
        new() { To = to.Length == 0 ? ["alice@corp.test"] : to, Dsn = new DsnPlan { Confirm = true, WaitSeconds = 60 } };

    private static DsnReport Report(string action, DateTimeOffset receivedAt, string recipient = "alice@corp.test") => new()
    {
        RunId = Guid.Empty,
        ReceivedAt = receivedAt,
        ReportingMta = "mx.corp.test",
        Recipients = [new DsnRecipient(recipient, recipient, action, action == "failed" ? "5.1.1" : "2.0.0", null, null, null)],
    };

    /// <summary>A completed run whose server advertised DSN and accepted the message at <see cref="Accepted"/>.</summary>
    private static RunRecord Run(IReadOnlyList<DsnReport> reports, params string[] to)
    {
        var recipients = to.Length == 0 ? ["alice@corp.test"] : to;
        var steps = recipients.Select(r => new ProbeStep(StepName.Rcpt, $"RCPT TO:<{r}>", StepOutcome.Ok, null, Accepted.AddSeconds(-1), 1))
            .Append(new ProbeStep(StepName.Message, null, StepOutcome.Ok, null, Accepted.AddMilliseconds(-10), 10)).ToList();
        return new RunRecord
        {
            Id = Guid.CreateVersion7(),
            ProbeId = Guid.CreateVersion7(),
            Ordinal = 0,
            Agent = new AgentRef("hub", "hub", new Dictionary<string, string>()),
            Status = RunStatus.Completed,
            Result = new ProbeResult { Verdict = Verdict.Passed, Steps = steps, Capabilities = new EhloCapabilities { Dsn = true } },
            Reports = reports,
        };
    }
}
