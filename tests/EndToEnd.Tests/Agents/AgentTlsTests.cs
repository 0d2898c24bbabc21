using SmtpProbeHub.EndToEnd.Tests.Agents.Processes;
using SmtpProbeHub.TestSupport.Hub;

namespace SmtpProbeHub.EndToEnd.Tests.Agents;

/// <summary>Agents reaching the hub over TLS, as internet-side agents do: the hub's certificate is validated.</summary>
public sealed class AgentTlsTests : IDisposable
{
    private readonly PrivateCa _ca = new();

    public void Dispose() => _ca.Dispose();

    private Task<HubProcess> StartTlsHubAsync() =>
        FleetHub.StartAsync("https", $"--Hub:Grpc:CertificatePath={_ca.HubCertificate}", $"--Hub:Grpc:KeyPath={_ca.HubKey}");

    [Fact]
    public async Task AgentTrustingThePrivateCa_ConnectsOverTls_AndIsListed()
    {
        await using var hub = await StartTlsHubAsync();
        await using var agent = AgentProcess.Start(hub.GrpcUrl, "outside-tls", "outside", extraArguments: $"--Agent:HubCaCertificate={_ca.CaCertificate}");

        await agent.WaitConnectedAsync();

        await hub.Client.WaitForAgentsOnlineAsync("outside-tls");
        Assert.DoesNotContain(agent.Process.Output, l => l.Contains("AllowInsecure"));
    }

    [Fact]
    public async Task AgentNotTrustingTheHubsCertificate_RefusesIt_SayingTlsFailure()
    {
        await using var hub = await StartTlsHubAsync();
        await using var agent = AgentProcess.Start(hub.GrpcUrl, "outside-tls", "outside");

        var line = (await agent.Process.WaitForLineAsync(l => l.Contains("Cannot connect"))).Text;

        Assert.Contains("TLS failure", line);
        Assert.Equal(0, (await hub.Client.GetJsonAsync("/api/v1/agents")).GetArrayLength());
    }
}
