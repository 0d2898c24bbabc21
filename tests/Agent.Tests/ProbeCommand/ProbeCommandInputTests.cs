using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SmtpProbeHub.Agent.Tests.ProbeCommand;

/// <summary>Bad input ends with exit code 2 before any byte is sent.</summary>
public sealed class ProbeCommandInputTests : IDisposable
{
    // A listener that nobody should ever reach: the command must refuse the input before connecting.
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public ProbeCommandInputTests() => _listener.Start();

    private string Port => ((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

    public void Dispose() => _listener.Dispose();

    [Theory]
    [InlineData("--helo", "test.com\r\nRSET")]
    [InlineData("--to", "alice@corp.test>\r\nDATA")]
    [InlineData("--from", "admin@test.com\nRCPT TO:<x@y.test>")]
    [InlineData("--subject", "hi\r\nBcc: victim@corp.test")]
    [InlineData("--header", "X-Test: a\r\nBcc: victim@corp.test")]
    public async Task Probe_LineBreakInAField_Exits2_AndNothingConnected(string option, string value)
    {
        string[] args = option == "--to"
            ? ["probe", "--server", "127.0.0.1", "--port", Port, "--to", value]
            : ["probe", "--server", "127.0.0.1", "--port", Port, "--to", "alice@corp.test", option, value];

        var run = await AgentRun.InvokeAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("nothing was sent", run.Error);
        Assert.False(_listener.Pending(), "the probe connected although its input was invalid");
    }

    [Theory]
    [InlineData("--tls", "sometimes")]
    [InlineData("--quit-after", "lunch")]
    [InlineData("--dsn-notify", "success,maybe")]
    [InlineData("--dns-server", "dns.example")]
    [InlineData("--port", "twenty-five")]
    public async Task Probe_UnreadableOption_Exits2_NamingTheOption(string option, string value)
    {
        var run = await AgentRun.InvokeAsync("probe", "--server", "127.0.0.1", "--port", Port, "--to", "alice@corp.test", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(option, run.Error);
        Assert.False(_listener.Pending());
    }

    [Fact]
    public async Task Probe_WithoutTo_Exits2()
    {
        var run = await AgentRun.InvokeAsync("probe", "--server", "127.0.0.1", "--port", Port);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--to", run.Error);
    }

    [Fact]
    public async Task Probe_AuthUserWithoutPassword_Exits2_AndSaysWhereThePasswordComesFrom()
    {
        var run = await AgentRun.InvokeAsync("probe", "--server", "127.0.0.1", "--port", Port, "--to", "alice@corp.test", "--auth-user", "alice");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("SMTPPROBE_AUTH_PASSWORD", run.Error);
        Assert.False(_listener.Pending());
    }
}
