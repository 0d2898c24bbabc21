using System.CommandLine;
using System.Net;
using SmtpProbeHub.Agent.ProbeCommand;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Agent.Tests.ProbeCommand;

/// <summary>Options become the plan the REST contract describes, with its documented defaults.</summary>
public sealed class ProbePlanMapperTests
{
    private static PlanMapping Map(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var options = new ProbeCommandOptions();
        var command = new RootCommand();
        foreach (var option in options.All)
        {
            command.Add(option);
        }

        return new ProbePlanMapper(options, name => environment?.GetValueOrDefault(name)).Map(command.Parse(args));
    }

    [Fact]
    public void Map_OnlyTo_GivesTheKbDefaults()
    {
        var mapping = Map(null, "--to", "alice@corp.test");

        var plan = Assert.IsType<ProbePlan>(mapping.Plan);
        Assert.Equal(["alice@corp.test"], plan.To);
        Assert.Equal(ProbeDefaults.From, plan.From);
        Assert.Equal(ProbeDefaults.Helo, plan.Helo);
        Assert.Null(plan.Server);
        Assert.Equal(25, plan.EffectivePort);
        Assert.Equal(TlsMode.Opportunistic, plan.Tls);
        Assert.Equal(StepName.Quit, plan.QuitAfter);
        Assert.Null(plan.Dsn);
        Assert.Null(plan.Auth);
        Assert.Equal(new ProbeTimeouts(), plan.Timeouts);
        Assert.Empty(mapping.Engine.DnsServers);
    }

    [Fact]
    public void Map_EveryOption_LandsInItsPlanField()
    {
        var mapping = Map(null,
            "--to", "a@corp.test", "--to", "b@corp.test", "--from", "", "--server", "mx.corp.test", "--port", "2525",
            "--helo", "probe.test", "--quit-after", "RCPT", "--tls", "required", "--dsn-notify", "success, failure",
            "--dsn-ret", "hdrs", "--dsn-envid", "env-1", "--subject", "s", "--body", "b", "--header", "X-One: 1",
            "--header", "X-Two:two words", "--timeout-connect", "1.5", "--timeout-banner", "2", "--timeout-command", "3",
            "--timeout-message", "4", "--timeout-total", "5", "--dns-server", "127.0.0.1:5353", "--dns-server", "::1",
            "--auth-user", "u", "--auth-password", "p", "--auth-mechanism", "login", "--allow-auth-without-tls");

        Assert.Empty(mapping.Errors);
        var plan = mapping.Plan!;
        Assert.Equal(["a@corp.test", "b@corp.test"], plan.To);
        Assert.Equal("", plan.From);
        Assert.Equal(("mx.corp.test", 2525, "probe.test"), (plan.Server, plan.EffectivePort, plan.Helo));
        Assert.Equal((StepName.Rcpt, TlsMode.Required), (plan.QuitAfter, plan.Tls));
        Assert.Equal([DsnNotify.Success, DsnNotify.Failure], plan.Dsn!.Notify);
        Assert.Equal((DsnRet.Hdrs, "env-1"), (plan.Dsn.Ret, plan.Dsn.EnvId));
        Assert.Equal(("s", "b"), (plan.Message.Subject, plan.Message.Body));
        Assert.Equal("1", plan.Message.Headers["X-One"]);
        Assert.Equal("two words", plan.Message.Headers["X-Two"]);
        Assert.Equal(new ProbeTimeouts { ConnectSeconds = 1.5, BannerSeconds = 2, CommandSeconds = 3, MessageSeconds = 4, TotalSeconds = 5 }, plan.Timeouts);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 5353), new IPEndPoint(IPAddress.IPv6Loopback, 53)], mapping.Engine.DnsServers);
        Assert.Equal(("u", "p", AuthMechanism.Login, true), (plan.Auth!.Username, plan.Auth.Password, plan.Auth.Mechanism, plan.Auth.AllowWithoutTls));
    }

    [Fact]
    public void Map_PasswordFromEnvironment_WhenNotOnTheCommandLine()
    {
        var mapping = Map(new Dictionary<string, string> { [ProbeCommandOptions.PasswordVariable] = "from-env" }, "--to", "a@corp.test", "--auth-user", "u");

        Assert.Equal("from-env", mapping.Plan!.Auth!.Password);
        Assert.Equal(AuthMechanism.Plain, mapping.Plan.Auth.Mechanism);
        Assert.False(mapping.Plan.Auth.AllowWithoutTls);
    }

    [Fact]
    public void Map_DsnRetAlone_KeepsTheDefaultNotify()
    {
        var plan = Map(null, "--to", "a@corp.test", "--dsn-ret", "full").Plan!;

        Assert.Equal(DsnRet.Full, plan.Dsn!.Ret);
        Assert.Equal(new DsnPlan().Notify, plan.Dsn.Notify);
    }

    [Fact]
    public void Map_RefusedValue_IsShownWithControlCharactersEscaped()
    {
        var mapping = Map(null, "--to", "a@corp.test", "--tls", "x\r\ny");

        Assert.Null(mapping.Plan);
        var error = Assert.Single(mapping.Errors);
        Assert.Contains("x\\x0d\\x0ay", error);
    }
}
