using System.Text.Json;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Serialization;

namespace SmtpProbeHub.Probe.Tests.Model;

public sealed class AuthPlanTests
{
    private const string Password = "s3cret-Pa55";

    private static ProbePlan FullPlan() => new()
    {
        To = ["bob@corp.test", "carol@corp.test"],
        From = "alice@corp.test",
        Server = "mail.corp.test",
        Port = 587,
        Helo = "probe.corp.test",
        Tls = TlsMode.Required,
        Auth = new AuthPlan { Username = "alice", Password = Password, Mechanism = AuthMechanism.Login, AllowWithoutTls = true },
        Dsn = new DsnPlan { Notify = [DsnNotify.Success, DsnNotify.Failure], Ret = DsnRet.Hdrs, EnvId = "env-1" },
        QuitAfter = StepName.Rcpt,
        Message = new MessagePlan { Subject = "s", Body = "b", Headers = new Dictionary<string, string> { ["X-Case"] = "1" } },
        Timeouts = new ProbeTimeouts { ConnectSeconds = 1, BannerSeconds = 2, CommandSeconds = 3, MessageSeconds = 4, TotalSeconds = 50 },
        ProbeId = "probe-1",
    };

    [Fact]
    public void ToString_NeverShowsThePassword()
    {
        var plan = new AuthPlan { Username = "alice", Password = Password };

        var text = plan.ToString();

        Assert.DoesNotContain(Password, text);
        Assert.Contains("alice", text);
    }

    [Fact]
    public void ProbePlan_ToString_NeverShowsThePassword()
    {
        var plan = new ProbePlan { To = ["bob@corp.test"], Auth = new AuthPlan { Username = "alice", Password = Password } };

        Assert.DoesNotContain(Password, plan.ToString());
    }

    [Fact]
    public void WithoutSecrets_LeavesNoSecretInThePlanAsStored()
    {
        var plan = FullPlan();

        var json = JsonSerializer.Serialize(plan.WithoutSecrets(), ProbeJson.TypeInfo<ProbePlan>());

        Assert.DoesNotContain(Password, json);
        Assert.Equal("", plan.WithoutSecrets().Auth!.Password);
        Assert.Equal(Password, plan.Auth!.Password);
    }

    [Fact]
    public void WithoutSecrets_KeepsEveryOtherField()
    {
        var plan = FullPlan();

        var blanked = plan.WithoutSecrets();

        // Put the password back: what remains must be the plan itself, so nothing but the secret was dropped.
        Assert.Equal(plan, blanked with { Auth = blanked.Auth! with { Password = Password } });
        Assert.Equal(
            JsonSerializer.Serialize(plan, ProbeJson.TypeInfo<ProbePlan>()).Replace(Password, "", StringComparison.Ordinal),
            JsonSerializer.Serialize(blanked, ProbeJson.TypeInfo<ProbePlan>()));
    }

    [Fact]
    public void WithoutSecrets_OfAPlanWithoutAuth_IsThePlan()
    {
        var plan = FullPlan() with { Auth = null };

        Assert.Same(plan, plan.WithoutSecrets());
    }
}
