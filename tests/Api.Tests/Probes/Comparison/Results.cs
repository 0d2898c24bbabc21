using SmtpProbeHub.Api.Probes.Comparison;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Tests.Probes.Comparison;

/// <summary>Real ProbeResult objects shaped like the engine builds them, for the comparison rules.</summary>
internal static class Results
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public static readonly ResolutionReport CorpMx = new("corp.test", false, [new MailHost("mx.corp.test", 10, ["192.0.2.25"])]);

    public static ComparedRun Run(string zone, ProbeResult? result, string? agent = null) =>
        new(new RunRef(Guid.NewGuid(), agent ?? $"{zone}-1", zone), result);

    /// <summary>
    /// The whole KB sequence accepted; STARTTLS used when <paramref name="thumbprint"/> is given. The greeting and the
    /// EHLO reply name <paramref name="greeting"/>, as Postfix's do; <paramref name="extensions"/> replaces the EHLO extensions.
    /// </summary>
    public static ProbeResult Passed(
        ResolutionReport? resolution = null, string? thumbprint = "AA11", bool offersStartTls = true, string greeting = "mx.corp.test", string[]? extensions = null)
    {
        var ehlo = new SmtpReply(250, null, [greeting, .. extensions ?? ["PIPELINING", "SIZE 10240000"], .. offersStartTls ? new[] { "STARTTLS" } : [], "8BITMIME"]);
        var steps = new List<ProbeStep> { Step(StepName.Resolve), Step(StepName.Connect), Banner(greeting), new(StepName.Ehlo, "EHLO test.com", StepOutcome.Ok, ehlo, T0, 1) };
        steps.Add(offersStartTls
            ? Step(StepName.Starttls, 220)
            : new ProbeStep(StepName.Starttls, null, StepOutcome.Skipped, null, T0, 0, "the server does not offer STARTTLS: the session continues unencrypted"));
        if (offersStartTls)
        {
            steps.Add(Step(StepName.Ehlo, 250));
        }

        steps.AddRange([Step(StepName.Mail, 250), Step(StepName.Rcpt, 250), Step(StepName.Data, 354), Step(StepName.Message, 250), Step(StepName.Quit, 221)]);
        return new ProbeResult
        {
            Verdict = Verdict.Passed,
            Server = new ServerEndpoint("mx.corp.test", (resolution ?? CorpMx).Hosts[0].Addresses[0], 25),
            Steps = steps,
            Resolution = resolution ?? CorpMx,
            // After STARTTLS the second EHLO no longer lists STARTTLS, as with a real server.
            Capabilities = new EhloCapabilities { ServerName = greeting, StartTls = false, Keywords = ["PIPELINING", "SIZE 10240000"] },
            Tls = offersStartTls
                ? new TlsReport { Protocol = "Tls13", Certificate = new CertificateReport { Subject = $"CN=mx.corp.test {thumbprint}", Issuer = "CN=mx.corp.test", Thumbprint = thumbprint } }
                : null,
        };
    }

    /// <summary>Failed at connect the way the engine reports it: the server's address is the one tried.</summary>
    public static ProbeResult FailedAtConnect(StepOutcome outcome, string code, ResolutionReport? resolution = null, int port = 25) => new()
    {
        Verdict = Verdict.Failed,
        FailedStep = StepName.Connect,
        Diagnosis = new Diagnosis(code, $"Connect: {code}.", "check the path"),
        Server = new ServerEndpoint("mx.corp.test", (resolution ?? CorpMx).Hosts[0].Addresses[0], port),
        Steps = [Step(StepName.Resolve), new ProbeStep(StepName.Connect, null, outcome, null, T0, 3000)],
        Resolution = resolution ?? CorpMx,
    };

    public static ProbeResult RejectedAt(StepName step, int code, string? enhanced, string text, string diagnosisCode)
    {
        var order = new[] { StepName.Resolve, StepName.Connect, StepName.Banner, StepName.Ehlo, StepName.Mail, StepName.Rcpt };
        var reply = new SmtpReply(code, enhanced, [enhanced is null ? text : $"{enhanced} {text}"]);
        var steps = order.TakeWhile(s => s != step).Select(s => s == StepName.Banner ? Banner("mx.corp.test") : Step(s, s is StepName.Resolve or StepName.Connect ? null : 250)).ToList();
        steps.Add(new ProbeStep(step, null, StepOutcome.Rejected, reply, T0, 5));
        steps.Add(Step(StepName.Quit, 221));
        return new ProbeResult
        {
            Verdict = Verdict.Failed,
            FailedStep = step,
            Diagnosis = new Diagnosis(diagnosisCode, $"{step}: {code}", "ask the server's admin"),
            Server = new ServerEndpoint("mx.corp.test", "192.0.2.25", 25),
            Steps = steps,
            Resolution = CorpMx,
            Capabilities = step > StepName.Ehlo ? new EhloCapabilities { ServerName = "mx.corp.test", StartTls = true } : null,
        };
    }

    public static ProbeResult ResolveFailed(string code) => new()
    {
        Verdict = Verdict.Failed,
        FailedStep = StepName.Resolve,
        Diagnosis = new Diagnosis(code, "No MX.", "publish an MX"),
        Steps = [new ProbeStep(StepName.Resolve, null, StepOutcome.Error, null, T0, 2)],
        Resolution = new ResolutionReport("corp.test", false, []),
    };

    /// <summary>A public address for mx.corp.test (NAT'd to 192.0.2.25), as a public zone in a split-horizon set-up gives it.</summary>
    public static ResolutionReport PublicMx(string address = "198.51.100.125", string host = "mx.corp.test") =>
        new("corp.test", false, [new MailHost(host, 10, [address])]);

    private static ProbeStep Banner(string greeting) =>
        new(StepName.Banner, null, StepOutcome.Ok, new SmtpReply(220, null, [$"{greeting} ESMTP Postfix"]), T0, 1);

    private static ProbeStep Step(StepName name, int? code = null) =>
        new(name, null, StepOutcome.Ok, code is { } c ? new SmtpReply(c, null, ["ok"]) : null, T0, 1);
}
