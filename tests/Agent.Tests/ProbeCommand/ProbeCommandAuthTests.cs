using System.Globalization;
using System.Text;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Agent.Tests.ProbeCommand;

/// <summary>AUTH through the probe command: the password reaches the server and nowhere else.</summary>
public sealed class ProbeCommandAuthTests
{
    private const string User = "alice";
    private const string Password = "s3cret-Pa55word";

    private static string[] Forms =>
    [
        Password,
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{User}\0{Password}")),
        Convert.ToBase64String(Encoding.UTF8.GetBytes(Password)),
    ];

    [Theory]
    [InlineData("plain", false)]
    [InlineData("login", false)]
    [InlineData("plain", true)]
    public async Task Probe_WithAuth_Authenticates_AndNeverPrintsThePassword(string mechanism, bool json)
    {
        await using var server = ScriptedSmtpServer.Start(s => s.Credentials = (User, Password));
        string[] args =
        [
            "probe", "--server", server.Host, "--port", server.Port.ToString(CultureInfo.InvariantCulture), "--to", "bob@corp.test",
            "--tls", "none", "--auth-user", User, "--auth-password", Password, "--auth-mechanism", mechanism, "--allow-auth-without-tls",
            .. json ? new[] { "--json" } : [],
        ];

        var run = await AgentRun.InvokeAsync(args);

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains(server.ReceivedLines, l => l.StartsWith("AUTH " + mechanism.ToUpperInvariant(), StringComparison.OrdinalIgnoreCase));
        foreach (var secret in Forms)
        {
            Assert.DoesNotContain(secret, run.All);
        }
    }

    [Fact]
    public async Task Probe_PasswordFromEnvironment_Authenticates_AndIsNotPrinted()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.Credentials = (User, Password));
        var environment = new Dictionary<string, string> { ["SMTPPROBE_AUTH_PASSWORD"] = Password };

        var run = await AgentRun.InvokeAsync(environment,
            "probe", "--server", server.Host, "--port", server.Port.ToString(CultureInfo.InvariantCulture), "--to", "bob@corp.test",
            "--tls", "none", "--auth-user", User, "--allow-auth-without-tls");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains(run.Steps, s => s is { Name: "auth", Outcome: "ok", Code: "235" });
        foreach (var secret in Forms)
        {
            Assert.DoesNotContain(secret, run.All);
        }
    }

    [Fact]
    public async Task Probe_WrongPassword_FailsAtAuth_WithoutPrintingIt()
    {
        await using var server = ScriptedSmtpServer.Start(s => s.Credentials = (User, "the-right-one"));

        var run = await AgentRun.InvokeAsync(
            "probe", "--server", server.Host, "--port", server.Port.ToString(CultureInfo.InvariantCulture), "--to", "bob@corp.test",
            "--tls", "none", "--auth-user", User, "--auth-password", Password, "--allow-auth-without-tls");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAILED at auth", run.Output);
        Assert.Contains("Diagnosis: auth.failed:", run.Output);
        foreach (var secret in Forms)
        {
            Assert.DoesNotContain(secret, run.All);
        }
    }
}
