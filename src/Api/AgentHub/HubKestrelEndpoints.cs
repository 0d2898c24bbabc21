using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SmtpProbeHub.Api.AgentHub;

/// <summary>
/// Kestrel's endpoints when the gRPC endpoint is on: plaintext HTTP/2 needs prior knowledge, which a
/// port that also speaks HTTP/1.1 cannot offer, so agents get their own endpoint. Binding any endpoint
/// in code makes Kestrel ignore <c>urls</c> (ASPNETCORE_URLS, --urls, launchSettings), so the REST
/// endpoints from there are bound here too, unchanged.
/// </summary>
internal static class HubKestrelEndpoints
{
    public const string DefaultRestUrl = "http://localhost:5000";

    public static void Configure(KestrelServerOptions kestrel, IConfiguration configuration)
    {
        var grpc = configuration.GetSection(AgentHubOptions.Section).Get<AgentHubOptions>() ?? new AgentHubOptions();
        kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(grpc.KeepAlivePingSeconds);
        kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(Math.Max(5, grpc.KeepAlivePingSeconds));
        if (string.IsNullOrWhiteSpace(grpc.Url))
        {
            return;
        }

        var agents = BindingAddress.Parse(grpc.Url);
        Listen(kestrel, agents, listen =>
        {
            EndpointSeparation.Mark(listen, EndpointSeparation.Agents);
            if (agents.Scheme == Uri.UriSchemeHttps)
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                if (string.IsNullOrEmpty(grpc.CertificatePath))
                {
                    listen.UseHttps();
                }
                else
                {
                    listen.UseHttps(X509Certificate2.CreateFromPemFile(grpc.CertificatePath, string.IsNullOrEmpty(grpc.KeyPath) ? null : grpc.KeyPath));
                }
            }
            else
            {
                listen.Protocols = HttpProtocols.Http2;
            }
        });

        foreach (var url in RestUrls(configuration))
        {
            var rest = BindingAddress.Parse(url);
            Listen(kestrel, rest, listen =>
            {
                EndpointSeparation.Mark(listen, EndpointSeparation.Rest);
                if (rest.Scheme == Uri.UriSchemeHttps)
                {
                    listen.UseHttps();
                }
            });
        }
    }

    /// <summary>The REST URLs the host was given, as Kestrel itself would read them.</summary>
    public static IReadOnlyList<string> RestUrls(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length > 0)
        {
            return urls;
        }

        var ports = Ports(configuration["http_ports"]).Select(p => $"http://*:{p}")
            .Concat(Ports(configuration["https_ports"]).Select(p => $"https://*:{p}")).ToList();
        return ports.Count > 0 ? ports : [DefaultRestUrl];
    }

    private static IEnumerable<string> Ports(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static void Listen(KestrelServerOptions kestrel, BindingAddress address, Action<ListenOptions> configure)
    {
        var host = address.Host.Trim('[', ']');
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(address.Port, configure);
        }
        else if (IPAddress.TryParse(host, out var ip))
        {
            kestrel.Listen(ip, address.Port, configure);
        }
        else
        {
            // "*", "+" or a host name: every interface, as Kestrel does for urls.
            kestrel.ListenAnyIP(address.Port, configure);
        }
    }
}
