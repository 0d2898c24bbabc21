using System.Net;
using System.Net.Sockets;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Tests.Resolution;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Probe.Tests.Connect;

public sealed class ConnectTests
{
    private static int ClosedPort()
    {
        // Bind then close: nothing listens there afterwards, so the kernel answers with a reset.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task NothingListening_IsConnectRefused_WithTheKbHint_AndKeepsTheAddressTried()
    {
        var plan = new ProbePlan { To = ["alice@corp.test"], Server = "127.0.0.1", Port = ClosedPort() };

        var result = await Probes.RunAsync(plan);

        Assert.Equal(StepName.Connect, result.FailedStep);
        Assert.Equal(StepOutcome.Error, result.Step(StepName.Connect).Outcome);
        Assert.Equal("connect.refused", result.Diagnosis!.Code);
        Assert.Contains("SMTP service started", result.Diagnosis.Hint, StringComparison.Ordinal);
        // What was observed, not more: a reset comes from a closed port or from a firewall rejecting the connection.
        Assert.StartsWith("The connection was actively refused (TCP reset): no service listens on that port, or a firewall", result.Diagnosis.Summary, StringComparison.Ordinal);
        // The address tried is kept although no connection was made.
        Assert.Equal("127.0.0.1", result.Server!.Address);
        Assert.Equal(plan.Port, result.Server.Port);
        Assert.Contains(result.Transcript, t => t.Text.StartsWith($"Trying 127.0.0.1:{plan.Port}", StringComparison.Ordinal));
        Assert.Contains(result.Transcript, t => t.Text.Contains("ConnectionRefused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FirstMxRefuses_TheNextIsTried()
    {
        await using var server = ScriptedSmtpServer.Start();
        // 127.0.0.2 is loopback too, but the scripted server listens on 127.0.0.1 only.
        var dns = new FakeDns()
            .WithMx("corp.test", ("mx-backup.corp.test", 20), ("mx-down.corp.test", 10))
            .WithHost("mx-down.corp.test", "127.0.0.2")
            .WithHost("mx-backup.corp.test", "127.0.0.1");
        var runner = new ProbeRunner(Probes.Loopback, null, dns);
        var plan = new ProbePlan { To = ["alice@corp.test"], Port = server.Port };

        var result = await runner.RunAsync(plan, null, TestContext.Current.CancellationToken);

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal(new ServerEndpoint("mx-backup.corp.test", "127.0.0.1", server.Port), result.Server);
        Assert.Equal("corp.test", result.Resolution!.Domain);
        var text = result.TranscriptText();
        Assert.True(text.IndexOf($"Trying 127.0.0.2:{server.Port}", StringComparison.Ordinal) < text.IndexOf($"Trying 127.0.0.1:{server.Port}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DnsFailure_StopsAtResolve_WithoutConnecting()
    {
        var runner = new ProbeRunner(Probes.Loopback, null, new FakeDns());

        var result = await runner.RunAsync(new ProbePlan { To = ["alice@nowhere.test"] }, null, TestContext.Current.CancellationToken);

        Assert.Equal(StepName.Resolve, result.FailedStep);
        Assert.Equal("dns.nxdomain", result.Diagnosis!.Code);
        Assert.Equal(new ServerEndpoint("nowhere.test", null, 25), result.Server);
        Assert.Equal([StepName.Resolve], result.Steps.Select(s => s.Name));
        Assert.DoesNotContain(result.Transcript, t => t.Text.StartsWith("Trying", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ipv6Loopback_IsConnectedLikeTelnetShowsIt()
    {
        ScriptedSmtpServer server;
        try
        {
            server = ScriptedSmtpServer.Start(new SmtpScript(), IPAddress.IPv6Loopback);
        }
        catch (SocketException)
        {
            Assert.Skip("this machine has no IPv6 loopback");
            return;
        }

        await using (server)
        {
            var result = await Probes.RunAsync(Probes.PlanFor(server));

            Assert.Equal(Verdict.Passed, result.Verdict);
            Assert.Equal("::1", result.Server!.Address);
            Assert.Contains(result.Transcript, t => t.Text.StartsWith($"Trying [::1]:{server.Port}", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task EveryAddressRefused_ListsEachAttempt_AndNamesTheFirstRefusingHostAndAddress()
    {
        var port = ClosedPort();
        var dns = new FakeDns()
            .WithMx("corp.test", ("mx1.corp.test", 10), ("mx2.corp.test", 20))
            .WithHost("mx1.corp.test", "127.0.0.2")
            .WithHost("mx2.corp.test", "127.0.0.3");
        var runner = new ProbeRunner(Probes.Loopback, null, dns);

        var result = await runner.RunAsync(new ProbePlan { To = ["alice@corp.test"], Port = port }, null, TestContext.Current.CancellationToken);

        Assert.Equal("connect.refused", result.Diagnosis!.Code);
        var detail = result.Step(StepName.Connect).Detail!;
        Assert.Contains($"127.0.0.2:{port} ConnectionRefused", detail, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.3:{port} ConnectionRefused", detail, StringComparison.Ordinal);
        Assert.Equal("mx1.corp.test", result.Server!.Host);
        Assert.Equal("127.0.0.2", result.Server.Address);
    }
}
