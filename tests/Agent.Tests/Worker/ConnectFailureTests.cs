using System.Net.Sockets;
using System.Security.Authentication;
using Grpc.Core;
using SmtpProbeHub.Agent.Worker;

namespace SmtpProbeHub.Agent.Tests.Worker;

public sealed class ConnectFailureTests
{
    private const string Hub = "https://hub.example:5081";

    [Fact]
    public void RefusedToken_SaysTokenRefused()
    {
        var text = ConnectFailure.Describe(new RpcException(new Status(StatusCode.Unauthenticated, "unknown agent token")), Hub);

        Assert.Contains("token refused", text);
        Assert.Contains("Agent:Token", text);
    }

    [Fact]
    public void RefusedIdentity_SaysWhyTheHubRefusedThisAgent()
    {
        var why = "agent id 7 is enrolled with another agent key: another installation claims this id (a copied data directory?)";
        var text = ConnectFailure.Describe(new RpcException(new Status(StatusCode.PermissionDenied, why)), Hub);

        Assert.Contains("refused this agent's identity", text);
        Assert.Contains(why, text);
    }

    [Fact]
    public void ConnectionRefused_SaysHubUnreachable()
    {
        var inner = new HttpRequestException("Connection refused (127.0.0.1:5081)", new SocketException((int)SocketError.ConnectionRefused));
        var ex = new RpcException(new Status(StatusCode.Unavailable, "Error starting gRPC call", inner));

        var text = ConnectFailure.Describe(ex, Hub);

        Assert.Contains("unreachable", text);
        Assert.Contains("ConnectionRefused", text);
    }

    [Fact]
    public void CertificateRejected_SaysTlsFailure()
    {
        var inner = new HttpRequestException("SSL connection could not be established", new AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot"));
        var ex = new RpcException(new Status(StatusCode.Unavailable, "Error starting gRPC call", inner));

        var text = ConnectFailure.Describe(ex, Hub);

        Assert.StartsWith("TLS failure", text);
        Assert.Contains("UntrustedRoot", text);
    }

    [Fact]
    public void HubRefusal_SaysWhy()
    {
        Assert.Contains("agent id already connected", ConnectFailure.Describe(new HubRefusedException("agent id already connected"), Hub));
    }

    [Fact]
    public void Description_IsOneLine()
    {
        var text = ConnectFailure.Describe(new RpcException(new Status(StatusCode.Unauthenticated, "no")), Hub);
        Assert.DoesNotContain('\n', text);
    }
}
