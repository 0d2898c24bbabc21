using SmtpProbeHub.Api.Probes.Comparison;
using SmtpProbeHub.Probe.Model;
using static SmtpProbeHub.Api.Tests.Probes.Comparison.Results;

namespace SmtpProbeHub.Api.Tests.Probes.Comparison;

public sealed class RunComparerTests
{
    [Fact]
    public void Compare_OneRun_HasNoComparison()
    {
        Assert.Null(RunComparer.Compare([Run("inside", Passed())]));
    }

    [Fact]
    public void Compare_BothPassTheSameServer_Agree()
    {
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", Passed())])!;

        Assert.True(comparison.Agree);
        Assert.Empty(comparison.Findings);
        var group = Assert.Single(comparison.Outcomes);
        Assert.Equal(Verdict.Passed, group.Verdict);
        Assert.Equal(["inside", "outside"], group.Zones);
        Assert.Equal(["inside", "outside"], comparison.Zones.Select(z => z.Zone));
        Assert.Contains("agree", comparison.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_InsidePassesOutsideTimesOutAtConnect_BlamesInboundFiltering()
    {
        var outside = Run("outside", FailedAtConnect(StepOutcome.Timeout, "connect.timeout"));
        var comparison = RunComparer.Compare([Run("inside", Passed()), outside])!;

        Assert.False(comparison.Agree);
        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.InboundFiltered, finding.Code);
        Assert.Equal([outside.Ref], finding.Runs);
        Assert.Equal("Outside times out connecting to mx.corp.test (192.0.2.25) port 25 while inside connects", finding.Summary);
        Assert.Contains("filtered", finding.Cause, StringComparison.Ordinal);
        Assert.Contains("NAT", finding.NextStep, StringComparison.Ordinal);
        Assert.Equal(finding.Summary, comparison.Summary);
        Assert.Equal(2, comparison.Outcomes.Count);
        Assert.Contains(comparison.Outcomes, o => o.FailedStep == StepName.Connect && o.DiagnosisCode == "connect.timeout" && o.Zones.SequenceEqual(["outside"]));
    }

    [Fact]
    public void Compare_OutsideRefusedAtConnect_NamesADeviceAnsweringWithAReset()
    {
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", FailedAtConnect(StepOutcome.Error, "connect.refused"))])!;

        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.InboundReset, finding.Code);
        Assert.Contains("reset", finding.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_EveryoneRefusedAtConnect_BlamesTheServerNotThePath()
    {
        var comparison = RunComparer.Compare([Run("inside", FailedAtConnect(StepOutcome.Error, "connect.refused")), Run("outside", FailedAtConnect(StepOutcome.Error, "connect.refused"))])!;

        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.SameFailureEverywhere, finding.Code);
        Assert.Equal(["inside", "outside"], finding.Zones);
        Assert.Contains("not the network path", finding.Cause, StringComparison.Ordinal);
        Assert.False(comparison.Agree);
    }

    [Fact]
    public void Compare_OutsideResolvesAnotherMx_NamesSplitDnsEvenThoughItThenTimesOut()
    {
        var stale = new ResolutionReport("corp.test", false, [new MailHost("old-mx.corp.test", 10, ["198.51.100.25"])]);
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", FailedAtConnect(StepOutcome.Timeout, "connect.timeout", stale))])!;

        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.DifferentMx, finding.Code);
        Assert.Contains("old-mx.corp.test (198.51.100.25)", finding.Summary, StringComparison.Ordinal);
        Assert.Contains("mx.corp.test (192.0.2.25)", finding.Summary, StringComparison.Ordinal);
        Assert.Contains("split DNS", finding.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_SameMxNameOtherAddress_NamesSplitDns()
    {
        var other = new ResolutionReport("corp.test", false, [new MailHost("mx.corp.test", 10, ["198.51.100.25"])]);
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", Passed(other))])!;

        Assert.Equal(FindingCodes.DifferentMx, Assert.Single(comparison.Findings).Code);
        Assert.False(comparison.Agree);
    }

    [Fact]
    public void Compare_OutsideFindsNoMx_NamesTheMissingPublicMx()
    {
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", ResolveFailed("dns.nxdomain"))])!;

        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.MissingMx, finding.Code);
        Assert.Contains("no mail host for corp.test", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_OutsideGets554AtBanner_ServerRefusesInternetClients()
    {
        var refused = RejectedAt(StepName.Banner, 554, "5.7.1", "Access denied", "banner.refused");
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", refused)])!;

        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.ServerRefusesClients, finding.Code);
        Assert.Contains("554 5.7.1", finding.Summary, StringComparison.Ordinal);
        Assert.Contains("connection filtering", finding.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_OutsideGets421AtBanner_ServerRefusesInternetClients()
    {
        var refused = RejectedAt(StepName.Banner, 421, null, "mx.corp.test Service not available", "banner.unavailable");
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", refused)])!;

        Assert.Equal(FindingCodes.ServerRefusesClients, Assert.Single(comparison.Findings).Code);
    }

    [Fact]
    public void Compare_OutsideGets57xAtRcpt_ServerRefusesInternetClients()
    {
        var refused = RejectedAt(StepName.Rcpt, 554, "5.7.1", "<x>: Client host rejected: Access denied", "rcpt.relay_denied");
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", refused)])!;

        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.ServerRefusesClients, finding.Code);
        Assert.Contains("at rcpt", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_OutsideGetsUnknownUserOnly_ReportsAnUnexplainedDifference()
    {
        var unknown = RejectedAt(StepName.Rcpt, 550, "5.1.1", "User unknown", "rcpt.unknown_user");
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", unknown)])!;

        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.OutcomesDiffer, finding.Code);
        Assert.Contains("failed at rcpt (rcpt.unknown_user)", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_RelayDeniedForEveryone_BlamesTheServer()
    {
        ProbeResult Denied() => RejectedAt(StepName.Rcpt, 554, "5.7.1", "Relay access denied", "rcpt.relay_denied");
        var comparison = RunComparer.Compare([Run("inside", Denied()), Run("outside", Denied())])!;

        Assert.Equal(FindingCodes.SameFailureEverywhere, Assert.Single(comparison.Findings).Code);
    }

    [Fact]
    public void Compare_StartTlsOfferedInsideOnly_NamesAMiddleboxStrippingIt()
    {
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", Passed(offersStartTls: false))])!;

        Assert.False(comparison.Agree);
        Assert.Single(comparison.Outcomes);
        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.StartTlsStripped, finding.Code);
        Assert.Equal("The server offers STARTTLS to inside but not to outside", finding.Summary);
    }

    [Fact]
    public void Compare_NoOneOffersStartTls_Agree()
    {
        var comparison = RunComparer.Compare([Run("inside", Passed(offersStartTls: false)), Run("outside", Passed(offersStartTls: false))])!;

        Assert.True(comparison.Agree);
    }

    [Fact]
    public void Compare_AnotherCertificateOutside_NamesTlsInterception()
    {
        var comparison = RunComparer.Compare([Run("inside", Passed(thumbprint: "AA11")), Run("outside", Passed(thumbprint: "BB22"))])!;

        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.CertificateDiffers, finding.Code);
        Assert.Contains("BB22", finding.Summary, StringComparison.Ordinal);
        Assert.Contains("interception", finding.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_RunsWithoutResult_AreListedNotCompared()
    {
        var lost = Run("outside", null);
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("inside", Passed(), agent: "inside-2"), lost])!;

        Assert.Equal([lost.Ref], comparison.NotCompared);
        Assert.True(comparison.Agree);
        Assert.DoesNotContain(comparison.Zones, z => z.Zone == "outside");
    }

    [Fact]
    public void Compare_OnlyOneRunHasAResult_SaysNothingToCompare()
    {
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", null)])!;

        Assert.False(comparison.Agree);
        Assert.Empty(comparison.Findings);
        Assert.Contains("nothing to compare", comparison.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_TwoOutsideAgentsBothFiltered_OneFindingNamingBoth()
    {
        var a = Run("outside", FailedAtConnect(StepOutcome.Timeout, "connect.timeout"), agent: "outside-a");
        var b = Run("outside", FailedAtConnect(StepOutcome.Timeout, "connect.timeout"), agent: "outside-b");
        var comparison = RunComparer.Compare([a, Run("inside", Passed()), b])!;

        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.InboundFiltered, finding.Code);
        Assert.Equal([a.Ref, b.Ref], finding.Runs);
        Assert.Equal(["outside"], finding.Zones);
    }

    [Fact]
    public void Compare_OneOfTwoOutsideAgentsFiltered_ZoneDisagreesAndAgentsAreNamed()
    {
        var ok = Run("outside", Passed(), agent: "outside-a");
        var filtered = Run("outside", FailedAtConnect(StepOutcome.Timeout, "connect.timeout"), agent: "outside-b");
        var comparison = RunComparer.Compare([ok, filtered])!;

        var zone = Assert.Single(comparison.Zones);
        Assert.False(zone.Agree);
        Assert.Equal(2, zone.Outcomes.Count);
        var finding = Assert.Single(comparison.Findings);
        Assert.StartsWith("Agent outside-b times out", finding.Summary, StringComparison.Ordinal);
        Assert.Contains("while agent outside-a connects", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_AgentsWithoutZone_AreUnlabeled()
    {
        var labels = new Dictionary<string, string> { ["site"] = "paris" };

        Assert.Equal(ZoneNames.Unlabeled, ZoneNames.Of(labels));
        Assert.Equal("outside", ZoneNames.Of(new Dictionary<string, string> { ["zone"] = "outside" }));
    }
}
