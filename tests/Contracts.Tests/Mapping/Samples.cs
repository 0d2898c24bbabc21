using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Contracts.Tests.Mapping;

/// <summary>A plan and a result with every member set to a non-default value, so a round trip that drops one shows.</summary>
internal static class Samples
{
    public const string Password = "s3cret-Pa55word";

    public static ProbePlan Plan() => new()
    {
        To = ["alice@corp.test", "bob@corp.test"],
        From = "admin@test.com",
        Server = "mx.corp.test",
        Port = 2525,
        Helo = "probe.test",
        Tls = TlsMode.Required,
        Auth = new AuthPlan { Username = "u", Password = Password, Mechanism = AuthMechanism.Login, AllowWithoutTls = true },
        Dsn = new DsnPlan { Notify = [DsnNotify.Success, DsnNotify.Delay], Ret = DsnRet.Hdrs, EnvId = "env-1", Confirm = true, WaitSeconds = 90, ReturnPath = "probe+1.2@returns.test" },
        QuitAfter = StepName.Rcpt,
        Message = new MessagePlan { Subject = "s", Body = "b", Headers = new Dictionary<string, string> { ["X-A"] = "1" } },
        Timeouts = new ProbeTimeouts { ConnectSeconds = 1, BannerSeconds = 2, CommandSeconds = 3, MessageSeconds = 4, TotalSeconds = 5 },
        ProbeId = "p-123",
    };

    public static ProbeResult Result()
    {
        var at = new DateTimeOffset(2026, 11, 28, 15, 0, 0, TimeSpan.Zero);
        var reply = new SmtpReply(550, "5.1.1", ["5.1.1 <x@corp.test>: Recipient address rejected", "second line"]);
        return new ProbeResult
        {
            Verdict = Verdict.Failed,
            FailedStep = StepName.Rcpt,
            Diagnosis = new Diagnosis("rcpt.unknown_user", "summary", "hint"),
            Server = new ServerEndpoint("mx.corp.test", "127.0.0.1", 2525),
            DurationMs = 12.5,
            Steps = [new ProbeStep(StepName.Rcpt, "RCPT TO:<x@corp.test>", StepOutcome.Rejected, reply, at, 1.25, "detail")],
            Transcript = [new TranscriptEntry(0.5, TranscriptDirection.Received, "220 mx ESMTP"), new TranscriptEntry(1, TranscriptDirection.Tls, "TLSv1.3")],
            Resolution = new ResolutionReport("corp.test", true, [new MailHost("mx.corp.test", 10, ["127.0.0.1", "::1"])]),
            Capabilities = new EhloCapabilities
            {
                ServerName = "mx",
                Keywords = ["PIPELINING", "SIZE 1000"],
                Size = 1000,
                Pipelining = true,
                StartTls = true,
                AuthMechanisms = ["PLAIN"],
                Dsn = true,
                EightBitMime = true,
                SmtpUtf8 = true,
                EnhancedStatusCodes = true,
                Chunking = true,
            },
            Tls = new TlsReport
            {
                Protocol = "Tls13",
                CipherSuite = "TLS_AES_256_GCM_SHA384",
                Certificate = new CertificateReport
                {
                    Subject = "CN=mx",
                    Issuer = "CN=ca",
                    SubjectAlternativeNames = ["mx.corp.test"],
                    NotBefore = at.AddDays(-1),
                    NotAfter = at.AddDays(30),
                    DaysToExpiry = 30,
                    Thumbprint = "AB",
                    ChainValid = true,
                    ChainErrors = ["UntrustedRoot"],
                    NameMatches = true,
                    SelfSigned = true,
                },
            },
            QueueId = "4ABC",
        };
    }
}
