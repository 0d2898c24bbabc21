using System.Text.Json;
using System.Text.Json.Nodes;

namespace SmtpProbeHub.EndToEnd.Tests.Scenarios;

/// <summary>
/// KB 153119's "test from a host on the internet" on real networks: the same probe from the inside and the outside
/// agent, with one thing changed per scenario, and the comparison expected to name it: something broken on the path
/// or the server, a failure every vantage point shares, or a normal set-up (split-horizon DNS with NAT) that must not
/// raise an alarm. One network for the class; each scenario starts from everything open.
/// </summary>
public sealed partial class KbScenarioTests(KbNetwork network) : IClassFixture<KbNetwork>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AllOpen_BothPass_ComparisonAgrees()
    {
        await network.ResetAsync();

        var probe = await ProbeAsync("a");

        Expect(probe, "inside", "passed", null);
        Expect(probe, "outside", "passed", null);
        var comparison = Comparison(probe);
        Assert.True((bool)comparison["agree"]!, Describe(probe));
        Assert.Empty(comparison["findings"]!.AsArray());
    }

    [Fact]
    public async Task InboundSmtpDroppedAtRouter_OutsideTimesOutAtConnect_BlamesInboundFiltering()
    {
        await network.ResetAsync();
        await network.Topology.Firewall.DropInboundAsync(25);

        var probe = await ProbeAsync("b");

        Expect(probe, "inside", "passed", null);
        var outside = Expect(probe, "outside", "failed", "connect");
        Assert.Equal("connect.timeout", (string?)outside["diagnosis"]?["code"]);
        Assert.Equal("timeout", (string?)Step(outside, "connect")["outcome"]);
        // The address tried is kept although the connection failed.
        Assert.Equal("192.0.2.25", (string?)outside["server"]?["address"]);
        var finding = ExpectFinding(probe, "path.inbound_filtered", "outside");
        Assert.Contains("mx.corp.test (192.0.2.25) port 25", (string?)finding["summary"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task InboundSmtpRejectedWithReset_OutsideRefusedAtConnect_NamesTheResettingDevice()
    {
        await network.ResetAsync();
        await network.Topology.Firewall.RejectInboundWithResetAsync(25);

        var probe = await ProbeAsync("c");

        Expect(probe, "inside", "passed", null);
        var outside = Expect(probe, "outside", "failed", "connect");
        Assert.Equal("connect.refused", (string?)outside["diagnosis"]?["code"]);
        Assert.Equal("192.0.2.25", (string?)outside["server"]?["address"]);
        // The router sent the reset while Postfix listens: the diagnosis says what a reset shows, no more.
        var summary = (string?)outside["diagnosis"]?["summary"];
        Assert.StartsWith("The connection was actively refused (TCP reset): no service listens on that port, or a firewall", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("nothing listens", summary, StringComparison.Ordinal);
        var finding = ExpectFinding(probe, "path.inbound_reset", "outside");
        Assert.Contains("the service is up", (string?)finding["cause"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicResolverServesAStaleMx_OutsideResolvesAnotherHost_NamesSplitDns()
    {
        await network.ResetAsync();
        await network.ServeStalePublicMxAsync();

        var probe = await ProbeAsync("d");

        var inside = Expect(probe, "inside", "passed", null);
        var outside = Expect(probe, "outside", "failed", "connect");
        Assert.Equal(ScenarioZones.MailHost, (string?)inside["resolution"]?["hosts"]?[0]?["name"]);
        Assert.Equal(ScenarioZones.StaleMailHost, (string?)outside["resolution"]?["hosts"]?[0]?["name"]);
        var finding = ExpectFinding(probe, "dns.different_mx", "outside");
        Assert.Contains(ScenarioZones.StaleMailHost, (string?)finding["summary"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostfixRefusesTheInternetRange_OutsideGets554AtRcpt_NamesServerRefusal()
    {
        await network.ResetAsync();
        await network.RefuseInternetClientsAsync();

        var probe = await ProbeAsync("e");

        Expect(probe, "inside", "passed", null);
        var outside = Expect(probe, "outside", "failed", "rcpt");
        var reply = Step(outside, "rcpt")["reply"]!;
        Assert.Equal(554, (int)reply["code"]!);
        Assert.Equal("5.7.1", (string?)reply["enhancedCode"]);
        var finding = ExpectFinding(probe, "server.refuses_clients", "outside");
        // The reply as it came, once: not 554 5.7.1 "5.7.1 <unknown…".
        var quoted = $"\"554 {(string?)reply["lines"]![0]}\"";
        Assert.Contains($"at rcpt with {quoted} while it accepts inside", (string?)finding["summary"], StringComparison.Ordinal);
        Assert.DoesNotContain("5.7.1 \"5.7.1", (string?)finding["summary"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTlsHiddenFromTheInternet_BothPass_NamesStartTlsStripping()
    {
        await network.ResetAsync();
        await network.HideStartTlsFromInternetAsync();

        var probe = await ProbeAsync("f");

        var inside = Expect(probe, "inside", "passed", null);
        var outside = Expect(probe, "outside", "passed", null);
        Assert.Equal("ok", (string?)Step(inside, "starttls")["outcome"]);
        Assert.NotNull(inside["tls"]);
        Assert.Equal("skipped", (string?)Step(outside, "starttls")["outcome"]);
        Assert.Null(outside["tls"]);
        Assert.False((bool)Comparison(probe)["agree"]!, Describe(probe));
        ExpectFinding(probe, "tls.starttls_stripped", "outside");
    }

    [Fact]
    public async Task SplitHorizonDnsWithNat_OutsideReachesThePublicAddress_AgreeWithASplitHorizonNote()
    {
        await network.ResetAsync();
        await network.PublishThroughNatAsync();

        var probe = await ProbeAsync("g");

        var inside = Expect(probe, "inside", "passed", null);
        var outside = Expect(probe, "outside", "passed", null);
        Assert.Equal("192.0.2.25", (string?)inside["server"]?["address"]);
        Assert.Equal("198.51.100.125", (string?)outside["server"]?["address"]);
        // The same Postfix behind both: the same certificate through the NAT.
        Assert.Equal((string?)inside["tls"]?["certificate"]?["thumbprint"], (string?)outside["tls"]?["certificate"]?["thumbprint"]);
        var note = ExpectFinding(probe, "dns.split_horizon", "outside", agree: true, kind: "note");
        Assert.Contains("mx.corp.test (198.51.100.125)", (string?)note["summary"], StringComparison.Ordinal);
        Assert.Contains("the same server answers at both (greeting mx.corp.test, the same EHLO extensions, the same certificate", (string?)note["summary"], StringComparison.Ordinal);
        Assert.StartsWith("All 2 vantage points agree: passed. Note: ", (string?)Comparison(probe)["summary"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingListensOnThePortAnywhere_BothRefused_AgreeOnTheFailure()
    {
        await network.ResetAsync();
        var request = KbNetwork.KbRequest();
        // Postfix listens on 25 only: 587 is refused by the mail server's host for everyone.
        request["port"] = 587;

        var probe = await ProbeAsync("h", request);

        foreach (var zone in new[] { "inside", "outside" })
        {
            var run = Expect(probe, zone, "failed", "connect");
            Assert.Equal("connect.refused", (string?)run["diagnosis"]?["code"]);
            Assert.Equal("192.0.2.25", (string?)run["server"]?["address"]);
        }

        var finding = ExpectFinding(probe, "server.same_failure_everywhere", ["inside", "outside"], agree: true, kind: "sharedFailure");
        Assert.StartsWith("Every vantage point failed at connect (connect.refused) against mx.corp.test (192.0.2.25) port 587: ", (string?)finding["summary"], StringComparison.Ordinal);
    }

    private async Task<JsonObject> ProbeAsync(string scenario, JsonObject? request = null)
    {
        request ??= KbNetwork.KbRequest();
        var probe = JsonNode.Parse((await network.Hub.RunProbeAsync(request.ToJsonString(), waitSeconds: 45)).GetRawText())!.AsObject();
        ScenarioRecord.Write(scenario, request, probe);
        Assert.True((string?)probe["status"] == "completed", Describe(probe));
        Assert.Equal(2, probe["runs"]!.AsArray().Count);
        return probe;
    }

    private JsonObject Expect(JsonObject probe, string zone, string verdict, string? failedStep)
    {
        var run = probe["runs"]!.AsArray().Select(r => r!.AsObject()).SingleOrDefault(r => (string?)r["agent"]?["labels"]?["zone"] == zone);
        Assert.True(run is not null, $"no run from zone {zone}. {Describe(probe)}");
        Assert.True((string?)run["status"] == "completed", $"{zone} run status. {Describe(probe)}");
        Assert.True((string?)run["verdict"] == verdict, $"{zone} verdict should be {verdict}. {Describe(probe)}");
        Assert.True((string?)run["failedStep"] == failedStep, $"{zone} failedStep should be {failedStep ?? "null"}. {Describe(probe)}");
        return run;
    }

    private JsonObject ExpectFinding(JsonObject probe, string code, string zone, bool agree = false, string kind = "difference") =>
        ExpectFinding(probe, code, [zone], agree, kind);

    private JsonObject ExpectFinding(JsonObject probe, string code, string[] zones, bool agree = false, string kind = "difference")
    {
        var comparison = Comparison(probe);
        Assert.True((bool)comparison["agree"]! == agree, $"agree should be {agree}. {Describe(probe)}");
        var findings = comparison["findings"]!.AsArray().Select(f => f!.AsObject()).ToList();
        Assert.True(findings.Count == 1 && (string?)findings[0]["code"] == code, $"expected the single finding {code}. {Describe(probe)}");
        Assert.Equal(kind, (string?)findings[0]["kind"]);
        Assert.Equal(zones, findings[0]["zones"]!.AsArray().Select(z => (string?)z));
        Assert.False(string.IsNullOrWhiteSpace((string?)findings[0]["cause"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)findings[0]["nextStep"]));
        return findings[0];
    }

    private JsonObject Comparison(JsonObject probe) =>
        probe["comparison"] as JsonObject ?? throw new Xunit.Sdk.XunitException($"no comparison. {Describe(probe)}");

    private static JsonObject Step(JsonObject run, string name) =>
        run["steps"]!.AsArray().Select(s => s!.AsObject()).Last(s => (string?)s["name"] == name);

    private string Describe(JsonObject probe) =>
        $"Probe:{Environment.NewLine}{probe.ToJsonString(new JsonSerializerOptions { WriteIndented = true })}{Environment.NewLine}{network.Diagnostics()}";
}
