using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace SmtpProbeHub.Agent.Worker;

/// <summary>
/// The HTTP/2 channel to the hub: keepalive pings find a half-open connection (NAT and firewall
/// idle timeouts drop long-lived streams silently), and an https hub's certificate is always validated,
/// against the system's roots or a private CA file.
/// </summary>
internal static class HubChannelFactory
{
    public static GrpcChannel Create(AgentOptions options, ILoggerFactory loggerFactory)
    {
        var handler = new SocketsHttpHandler
        {
            KeepAlivePingDelay = TimeSpan.FromSeconds(options.KeepAlivePingSeconds),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(Math.Max(5, options.KeepAlivePingSeconds / 2)),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (!string.IsNullOrEmpty(options.HubCaCertificate))
        {
            var ca = LoadCa(options.HubCaCertificate);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(certificate, errors, ca);
        }

        return GrpcChannel.ForAddress(options.HubUrl, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            LoggerFactory = loggerFactory,
        });
    }

    /// <summary>The CA certificate alone (no private key) from a PEM file.</summary>
    internal static X509Certificate2 LoadCa(string path) => X509Certificate2.CreateFromPem(File.ReadAllText(path));

    /// <summary>Chain to the private CA only (not the system roots); the name must still match.</summary>
    internal static bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2 ca)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
