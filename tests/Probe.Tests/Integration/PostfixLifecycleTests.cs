using System.Net;
using System.Net.Sockets;
using SmtpProbeHub.TestSupport.Postfix;
using SmtpProbeHub.TestSupport.Smtp;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.Probe.Tests.Integration;

/// <summary>Own Postfix instances: clear failures, reconfiguration, nothing left behind.</summary>
public sealed class PostfixLifecycleTests
{
    [Fact]
    public async Task StartAsync_PortTaken_FailsWithPostfixsReason_AndLeavesNothingRunning()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PostfixInstance.StartAsync(new PostfixOptions { Port = port }));

        Assert.Contains($"did not start on 127.0.0.1:{port}", error.Message);
        Assert.Contains("Address already in use", error.Message);
        var slot = System.Text.RegularExpressions.Regex.Match(error.Message, @"instance (slot\d\d)").Groups[1].Value;
        var configDirectory = $"/var/tmp/smtpprobehub-postfix/{slot}/etc";
        Assert.False(Directory.Exists(configDirectory));
        Assert.DoesNotContain(Directory.GetDirectories("/proc"), dir => HasConfig(dir, configDirectory));
    }

    [Fact]
    public async Task ReconfigureAsync_RefuseClients_NewSessionsGetRefused_DisposeStopsEverything()
    {
        string configDirectory;
        await using (var postfix = await PostfixInstance.StartAsync())
        {
            configDirectory = postfix.ConfigDirectory;
            Assert.StartsWith("250", (await RcptAsync(postfix))[0]);

            await postfix.ReconfigureAsync(new Dictionary<string, string> { ["smtpd_client_restrictions"] = "reject" });

            // reload lets running smtpd processes finish; a new process (new session) soon has the new setting.
            var reply = await Eventually.ReadAsync(() => RcptAsync(postfix), r => r[0].StartsWith("554", StringComparison.Ordinal),
                TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(200));

            Assert.StartsWith("554 5.7.1", reply[0]);
        }

        Assert.False(Directory.Exists(configDirectory));
        Assert.DoesNotContain(Directory.GetDirectories("/proc"), dir => HasConfig(dir, configDirectory));
    }

    private static async Task<IReadOnlyList<string>> RcptAsync(PostfixInstance postfix)
    {
        await using var smtp = await RawSmtp.ConnectAsync(postfix.Host, postfix.Port);
        await smtp.ReadReplyAsync();
        await smtp.SendAsync("EHLO lifecycle.test");
        await smtp.SendAsync("MAIL FROM:<admin@test.com>");
        var reply = await smtp.SendAsync($"RCPT TO:<{postfix.KnownRecipient}>");
        await smtp.SendAsync("QUIT");
        return reply;
    }

    private static bool HasConfig(string procDir, string configDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procDir, "environ")).Contains($"MAIL_CONFIG={configDirectory}\0", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
