using System.Net;
using SmtpProbeHub.TestSupport.Peers;
using SmtpProbeHub.TestSupport.Postfix;

namespace SmtpProbeHub.Probe.Tests.Integration;

/// <summary>A Postfix test instance can live in a network namespace (for the inside/outside scenarios).</summary>
public sealed class PostfixNamespaceTests
{
    [Fact]
    public async Task StartAsync_InANamespace_Answers220OnTheNamespaceAddress()
    {
        var ns = $"sph-pf-{Guid.NewGuid():n}"[..14];
        var address = IPAddress.Parse("198.51.100.25");
        await Ip("netns", "add", ns);
        try
        {
            await Ip("-n", ns, "link", "set", "lo", "up");
            await Ip("-n", ns, "addr", "add", $"{address}/32", "dev", "lo");

            await using var postfix = await PostfixInstance.StartAsync(new PostfixOptions { NetworkNamespace = ns, ListenAddress = address });
            var greeting = await ProcessRunner.RunCheckedAsync("/usr/sbin/ip",
                ["netns", "exec", ns, "timeout", "5", "bash", "-c", $"exec 3<>/dev/tcp/{address}/25 && head -n1 <&3"], TimeSpan.FromSeconds(10));

            Assert.Equal(25, postfix.Port);
            Assert.StartsWith("220 mx.corp.test ESMTP", greeting);
            Assert.Contains(postfix.BannerMarker, greeting);
        }
        finally
        {
            await Ip("netns", "del", ns);
        }
    }

    private static Task<string> Ip(params string[] args) => ProcessRunner.RunCheckedAsync("/usr/sbin/ip", args, TimeSpan.FromSeconds(10));
}
