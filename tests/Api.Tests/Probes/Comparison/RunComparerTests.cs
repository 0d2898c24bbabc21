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
        Assert.Equal("All 2 vantage points agree: passed.", comparison.Summary);
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
        Assert.Equal(FindingKind.Difference, finding.Kind);
        Assert.Equal([outside.Ref], finding.Runs);
        Assert.Equal("Outside times out connecting to mx.corp.test (192.0.2.25) port 25 while inside connects", finding.Summary);
        Assert.Contains("filtered", finding.Cause, StringComparison.Ordinal);
        Assert.Contains("NAT", finding.NextStep, StringComparison.Ordinal);
        Assert.Equal(finding.Summary, comparison.Summary);
        Assert.Equal(2, comparison.Outcomes.Count);
        Assert.Contains(comparison.Outcomes, o => o.FailedStep == StepName.Connect && o.DiagnosisCode == "connect.timeout" && o.Zones.SequenceEqual(["outside"]));
    }

    [Fact]
    public void Compare_OutsideRefusedAtConnect_NamesAResetWhileTheServiceIsUp()
    {
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", FailedAtConnect(StepOutcome.Error, "connect.refused"))])!;

        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.InboundReset, finding.Code);
        Assert.Equal("Outside is refused connecting to mx.corp.test (192.0.2.25) port 25 (connect.refused) while inside connects", finding.Summary);
        Assert.Contains("reset", finding.Cause, StringComparison.Ordinal);
        // Inside connects, so the service is up: the comparison narrows what connect.refused alone cannot.
        Assert.Contains("the service is up", finding.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_OutsideNotAllowedByATargetPolicy_NamesThePolicy_NotAFirewall()
    {
        var outside = Run("outside", FailedAtConnect(StepOutcome.Error, "connect.not_allowed"));
        var comparison = RunComparer.Compare([Run("inside", Passed()), outside])!;

        Assert.False(comparison.Agree);
        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.TargetNotAllowed, finding.Code);
        Assert.Equal(FindingKind.Difference, finding.Kind);
        Assert.Equal([outside.Ref], finding.Runs);
        Assert.Equal("Outside was not allowed to connect to mx.corp.test (192.0.2.25) port 25 by a target policy while inside connects", finding.Summary);
        Assert.Contains("sent no packet", finding.Cause, StringComparison.Ordinal);
        Assert.DoesNotContain("firewall", finding.Cause, StringComparison.Ordinal);
        Assert.Contains("Agent:Targets", finding.NextStep, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_EveryoneNotAllowedByThePolicy_SharedFailure_SaysNothingWasTested()
    {
        var comparison = RunComparer.Compare([Run("inside", FailedAtConnect(StepOutcome.Error, "connect.not_allowed")), Run("outside", FailedAtConnect(StepOutcome.Error, "connect.not_allowed"))])!;

        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.SameFailureEverywhere, finding.Code);
        Assert.Contains("nothing was sent", finding.Cause, StringComparison.Ordinal);
        Assert.DoesNotContain("mail server", finding.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_EveryoneRefusedAtConnect_AgreeOnAFailure_AndBlameTheServerNotThePath()
    {
        var comparison = RunComparer.Compare([Run("inside", FailedAtConnect(StepOutcome.Error, "connect.refused")), Run("outside", FailedAtConnect(StepOutcome.Error, "connect.refused"))])!;

        // agree: the same outcome at the same server. A shared failure is agreement on a failure, said as such.
        Assert.True(comparison.Agree);
        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.SameFailureEverywhere, finding.Code);
        Assert.Equal(FindingKind.SharedFailure, finding.Kind);
        Assert.Equal(["inside", "outside"], finding.Zones);
        Assert.Equal("Every vantage point failed at connect (connect.refused) against mx.corp.test (192.0.2.25) port 25: connect: connect.refused.", finding.Summary);
        Assert.Contains("not on the network path of any one vantage point", finding.Cause, StringComparison.Ordinal);
        Assert.Equal(finding.Summary, comparison.Summary);
        Assert.Equal(Verdict.Failed, Assert.Single(comparison.Outcomes).Verdict);
    }

    [Fact]
    public void Compare_EveryoneTimesOutButAtDifferentMailHosts_IsADifferenceNotASharedFailure()
    {
        var stale = PublicMx("198.51.100.25", "old-mx.corp.test");
        var comparison = RunComparer.Compare([Run("inside", FailedAtConnect(StepOutcome.Timeout, "connect.timeout")), Run("outside", FailedAtConnect(StepOutcome.Timeout, "connect.timeout", stale))])!;

        Assert.False(comparison.Agree);
        Assert.Equal(FindingCodes.DifferentMx, Assert.Single(comparison.Findings).Code);
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
    public void Compare_PublicAndPrivateAddressOfTheSameMx_SameServerBehindBoth_AgreeWithASplitHorizonNote()
    {
        var outside = Run("outside", Passed(PublicMx()));
        var comparison = RunComparer.Compare([Run("inside", Passed()), outside])!;

        Assert.True(comparison.Agree);
        var note = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.SplitHorizon, note.Code);
        Assert.Equal(FindingKind.Note, note.Kind);
        Assert.Equal([outside.Ref], note.Runs);
        Assert.Equal(
            "Outside resolves mx.corp.test (198.51.100.125) for corp.test while inside resolves mx.corp.test (192.0.2.25), "
            + "and the same server answers at both (greeting mx.corp.test, the same EHLO extensions, the same certificate, SHA-256 AA11)",
            note.Summary);
        Assert.Contains("normal set-up", note.Cause, StringComparison.Ordinal);
        Assert.StartsWith("All 2 vantage points agree: passed. Note: Outside resolves", comparison.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_SameMxNameOtherAddress_AnotherCertificateThere_IsADifferentServer()
    {
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", Passed(PublicMx(), thumbprint: "BB22"))])!;

        Assert.False(comparison.Agree);
        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.DifferentMx, finding.Code);
        Assert.EndsWith("and another server answers there: certificate SHA-256 BB22 to outside, AA11 to inside", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_SameMxNameOtherAddress_AnotherGreetingAndExtensionsThere_IsADifferentServer()
    {
        var old = Passed(PublicMx("198.51.100.25"), thumbprint: null, offersStartTls: false, greeting: "old-mx.corp.test", extensions: ["SIZE 5000000"]);
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", old)])!;

        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.DifferentMx, finding.Code);
        Assert.Contains("greeting old-mx.corp.test to outside, mx.corp.test to inside", finding.Summary, StringComparison.Ordinal);
        Assert.Contains("EHLO extensions differ (only to outside: SIZE 5000000; only to inside: PIPELINING, SIZE 10240000)", finding.Summary, StringComparison.Ordinal);
        Assert.Contains("stale public A record", finding.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_SameMxNameOtherAddress_OutsideCannotConnect_SaysTheServerCouldNotBeCompared()
    {
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", FailedAtConnect(StepOutcome.Timeout, "connect.timeout", PublicMx()))])!;

        Assert.False(comparison.Agree);
        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.DifferentMx, finding.Code);
        Assert.EndsWith(
            "; outside failed at connect (connect.timeout) against mx.corp.test (198.51.100.125) port 25, so whether the same server answers at both addresses could not be checked",
            finding.Summary, StringComparison.Ordinal);
        Assert.Contains("If 198.51.100.125 is the mail server's public address, check the NAT/port-forwarding rule", finding.NextStep, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_SplitHorizonAndStartTlsHiddenOutside_NoteAndTheStrippingDifference()
    {
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", Passed(PublicMx(), offersStartTls: false))])!;

        Assert.False(comparison.Agree);
        Assert.Equal([FindingCodes.StartTlsStripped, FindingCodes.SplitHorizon], comparison.Findings.Select(f => f.Code));
        Assert.Equal(comparison.Findings[0].Summary, comparison.Summary);
    }

    [Fact]
    public void Compare_SplitHorizonAndTheSameRecipientUnknownEverywhere_AgreeOnTheFailureWithTheNote()
    {
        var inside = RejectedAt(StepName.Rcpt, 550, "5.1.1", "User unknown", "rcpt.unknown_user");
        var outside = RejectedAt(StepName.Rcpt, 550, "5.1.1", "User unknown", "rcpt.unknown_user") with { Resolution = PublicMx(), Server = new ServerEndpoint("mx.corp.test", "198.51.100.125", 25) };
        var comparison = RunComparer.Compare([Run("inside", inside), Run("outside", outside)])!;

        Assert.True(comparison.Agree);
        Assert.Equal([FindingCodes.SameFailureEverywhere, FindingCodes.SplitHorizon], comparison.Findings.Select(f => f.Code));
        Assert.StartsWith("Every vantage point failed at rcpt (rcpt.unknown_user): ", comparison.Summary, StringComparison.Ordinal);
        Assert.Contains(". Note: Outside resolves mx.corp.test (198.51.100.125)", comparison.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_OutsideFindsNoMx_NamesTheMissingPublicMx()
    {
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", ResolveFailed("dns.nxdomain"))])!;

        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.MissingMx, finding.Code);
        Assert.Contains("no mail host for corp.test", finding.Summary, StringComparison.Ordinal);
        Assert.Contains("no usable MX", finding.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_OutsideDnsLookupFails_SaysTheLookupFailedNotThatTheMxIsMissing()
    {
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", ResolveFailed("dns.failure"))])!;

        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.MissingMx, finding.Code);
        Assert.StartsWith("The DNS lookup itself failed from outside", finding.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_OutsideGets554AtBanner_ServerRefusesInternetClients()
    {
        var refused = RejectedAt(StepName.Banner, 554, "5.7.1", "Access denied", "banner.refused");
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", refused)])!;

        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.ServerRefusesClients, finding.Code);
        // The reply as it came, once: the enhanced code is not repeated.
        Assert.Equal("The server refuses outside at banner with \"554 5.7.1 Access denied\" while it accepts inside", finding.Summary);
        Assert.Contains("connection filtering", finding.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_OutsideGets421AtBanner_ServerRefusesInternetClients()
    {
        var refused = RejectedAt(StepName.Banner, 421, null, "mx.corp.test Service not available", "banner.unavailable");
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", refused)])!;

        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.ServerRefusesClients, finding.Code);
        Assert.Contains("with \"421 mx.corp.test Service not available\"", finding.Summary, StringComparison.Ordinal);
        Assert.Contains("passing limit", finding.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_OutsideGets57xAtRcpt_ServerRefusesInternetClients()
    {
        var refused = RejectedAt(StepName.Rcpt, 554, "5.7.1", "<x>: Client host rejected: Access denied", "rcpt.relay_denied");
        var comparison = RunComparer.Compare([Run("inside", Passed()), Run("outside", refused)])!;

        var finding = Assert.Single(comparison.Findings);
        Assert.Equal(FindingCodes.ServerRefusesClients, finding.Code);
        Assert.Equal("The server refuses outside at rcpt with \"554 5.7.1 <x>: Client host rejected: Access denied\" while it accepts inside", finding.Summary);
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
    public void Compare_RelayDeniedForEveryone_AgreeOnTheFailure_AndBlameTheServer()
    {
        ProbeResult Denied() => RejectedAt(StepName.Rcpt, 554, "5.7.1", "Relay access denied", "rcpt.relay_denied");
        var comparison = RunComparer.Compare([Run("inside", Denied()), Run("outside", Denied())])!;

        Assert.True(comparison.Agree);
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
