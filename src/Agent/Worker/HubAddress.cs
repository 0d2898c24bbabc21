using System.Net;

namespace SmtpProbeHub.Agent.Worker;

/// <summary>Decides whether a hub URL may be dialled: TLS always, plaintext only to loopback or when opted in.</summary>
internal static class HubAddress
{
    /// <summary>Null when the URL is acceptable, else why not.</summary>
    public static string? Problem(string? url, bool allowInsecure)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "Agent:HubUrl is required";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return $"Agent:HubUrl '{url}' is not an absolute http:// or https:// URL";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "Agent:HubUrl must not carry credentials; use Agent:Token";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri) && !allowInsecure)
        {
            return $"Agent:HubUrl '{url}' is plaintext http to a host that is not loopback; use https, or set Agent:AllowInsecure=true to accept the risk";
        }

        return null;
    }

    /// <summary>True when the URL is plaintext to a non-loopback host (allowed only by opt-in, with a warning).</summary>
    public static bool IsInsecureRemote(Uri uri) => uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri);

    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip));
}
