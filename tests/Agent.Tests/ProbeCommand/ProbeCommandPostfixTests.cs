using System.Globalization;
using System.Text.Json;
using SmtpProbeHub.TestSupport.Dns;
using SmtpProbeHub.TestSupport.Postfix;

namespace SmtpProbeHub.Agent.Tests.ProbeCommand;

/// <summary>The <c>probe</c> command run in-process against a real Postfix (and dnsmasq for the MX lookup).</summary>
public sealed class ProbeCommandPostfixTests(PostfixInstance postfix, DnsmasqInstance dns)
{
    private string Port => postfix.Port.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Probe_KnownRecipient_PrintsKbSequence220To221_AndExits0()
    {
        var run = await AgentRun.InvokeAsync(
            "probe", "--server", postfix.Host, "--port", Port, "--tls", "none", "--from", "admin@test.com", "--to", postfix.KnownRecipient);

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal([220, 250, 250, 250, 354, 250, 221], run.ReplyCodes);
        Assert.Contains("> EHLO test.com", run.Output);
        Assert.Contains("> MAIL FROM:<admin@test.com>", run.Output);
        Assert.Contains($"> RCPT TO:<{postfix.KnownRecipient}>", run.Output);
        Assert.Contains("> DATA", run.Output);
        Assert.Contains("> QUIT", run.Output);
        Assert.Matches(@"< 250 2\.0\.0 Ok: queued as [0-9A-F]+", run.Output);
        Assert.Contains("Verdict: passed", run.Output);
        Assert.Equal(
            [("banner", "220"), ("ehlo", "250"), ("mail", "250"), ("rcpt", "250"), ("data", "354"), ("message", "250"), ("quit", "221")],
            run.Steps.Where(s => s.Code != "-").Select(s => (s.Name, s.Code)));
    }

    [Fact]
    public async Task Probe_UnknownRecipient_NamesRcpt550AndDiagnosis_AndExitsNonZero()
    {
        var run = await AgentRun.InvokeAsync("probe", "--server", postfix.Host, "--port", Port, "--to", postfix.UnknownRecipient);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(run.Steps, s => s is { Name: "rcpt", Outcome: "rejected", Code: "550" });
        Assert.Contains("Verdict: FAILED at rcpt: 550 5.1.1", run.Output);
        Assert.Contains("Diagnosis: rcpt.unknown_user:", run.Output);
        Assert.Contains("Hint: ", run.Output);
        Assert.DoesNotContain("> DATA", run.Output);
    }

    [Fact]
    public async Task Probe_Json_HasTheContractFields()
    {
        var run = await AgentRun.InvokeAsync("probe", "--server", postfix.Host, "--port", Port, "--to", postfix.KnownRecipient, "--json");

        Assert.True(run.ExitCode == 0, run.All);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal("passed", root.GetProperty("verdict").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("failedStep").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("diagnosis").ValueKind);
        var steps = root.GetProperty("steps").EnumerateArray().ToList();
        Assert.Contains(steps, s => s.GetProperty("name").GetString() == "rcpt" && s.GetProperty("outcome").GetString() == "ok"
            && s.GetProperty("reply").GetProperty("code").GetInt32() == 250);
        Assert.Contains(steps, s => s.GetProperty("name").GetString() == "quit" && s.GetProperty("reply").GetProperty("code").GetInt32() == 221);
        var transcript = root.GetProperty("transcript").EnumerateArray().ToList();
        Assert.Contains(transcript, t => t.GetProperty("direction").GetString() == "sent" && t.GetProperty("text").GetString() == "QUIT");
        Assert.All(transcript, t => Assert.True(t.GetProperty("atMs").GetDouble() >= 0));
    }

    [Fact]
    public async Task Probe_JsonForUnknownRecipient_HasFailedStepAndDiagnosisCode_AndExits1()
    {
        var run = await AgentRun.InvokeAsync("probe", "--server", postfix.Host, "--port", Port, "--to", postfix.UnknownRecipient, "--json");

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("failed", json.RootElement.GetProperty("verdict").GetString());
        Assert.Equal("rcpt", json.RootElement.GetProperty("failedStep").GetString());
        Assert.Equal("rcpt.unknown_user", json.RootElement.GetProperty("diagnosis").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Probe_WithoutServer_FindsPostfixThroughTheMxInTheGivenDnsServer()
    {
        var run = await AgentRun.InvokeAsync(
            "probe", "--dns-server", dns.EndPoint.ToString(), "--port", Port, "--to", $"alice@{DnsZone.Corp}", "--quit-after", "rcpt");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains($"via the MX of {DnsZone.Corp}", run.Output);
        Assert.Contains(postfix.BannerMarker, run.Output);
        Assert.DoesNotContain("> DATA", run.Output);
        Assert.Contains($"query[MX] {DnsZone.Corp}", dns.ReadLog());
        Assert.Contains("query[A] mx.corp.test", dns.ReadLog());
    }

    [Fact]
    public async Task Probe_QuitAfterRcpt_WithDsn_SendsNotifyAndNoData_PostfixSawNoData()
    {
        var helo = $"agent-{Guid.NewGuid():n}.test";
        var run = await AgentRun.InvokeAsync(
            "probe", "--server", postfix.Host, "--port", Port, "--helo", helo, "--to", postfix.KnownRecipient,
            "--quit-after", "rcpt", "--dsn-notify", "success,failure");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains($"> RCPT TO:<{postfix.KnownRecipient}> NOTIFY=SUCCESS,FAILURE", run.Output);
        var session = await postfix.Log.WaitForSessionAsync(helo, TimeSpan.FromSeconds(10));
        Assert.False(session.Received("data"), session.Commands);
        Assert.True(session.Received("quit"), session.Commands);
    }
}
