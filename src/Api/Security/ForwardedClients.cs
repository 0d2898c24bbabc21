using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace SmtpProbeHub.Api.Security;

/// <summary>
/// Which proxies the hub believes about the client's address (section <c>Hub:ForwardedHeaders</c>), e.g. the HAProxy in
/// front of several replicas. Empty (the default): nobody, X-Forwarded-For and X-Forwarded-Proto are ignored and the
/// client is the connection's peer. Otherwise a request whose connection comes from a listed address or network has its
/// client address (and scheme) taken from the last X-Forwarded-For (and X-Forwarded-Proto) entry, the one that proxy
/// added; a request from anyone else is kept as it came, whatever headers it sends.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "Hub:ForwardedHeaders";

    /// <summary>Addresses of trusted proxies, e.g. "10.0.0.5".</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR form, e.g. "172.28.0.0/24" (a compose network).</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>Whether any proxy is trusted at all.</summary>
    public bool Configured => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    /// <summary>Every entry that does not parse, named by its configuration key.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        for (var i = 0; i < KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(KnownProxies[i], out _))
            {
                problems.Add($"{Section}:KnownProxies:{i}: '{KnownProxies[i]}' is not an IP address");
            }
        }

        for (var i = 0; i < KnownNetworks.Count; i++)
        {
            if (!System.Net.IPNetwork.TryParse(KnownNetworks[i], out _))
            {
                problems.Add($"{Section}:KnownNetworks:{i}: '{KnownNetworks[i]}' is not a network in CIDR form (address/prefix length)");
            }
        }

        return problems;
    }
}

/// <summary>Names every Hub:ForwardedHeaders entry that does not parse, at start.</summary>
internal sealed class ForwardedHeadersSettingsValidator : IValidateOptions<ForwardedHeadersSettings>
{
    public ValidateOptionsResult Validate(string? name, ForwardedHeadersSettings options) =>
        options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}

internal static class ForwardedClients
{
    public static IServiceCollection AddForwardedClients(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ForwardedHeadersSettings>, ForwardedHeadersSettingsValidator>();
        return services;
    }

    /// <summary>
    /// First in the pipeline: with trusted proxies configured, <c>Connection.RemoteIpAddress</c> becomes the client the
    /// proxy forwarded for, so the per-client rate limit, the failed-authentication throttle, the loopback-only rule and
    /// the logs see the real client, on REST and on the agents' gRPC alike. Without any, nothing is added.
    /// </summary>
    public static IApplicationBuilder UseForwardedClients(this IApplicationBuilder app)
    {
        var settings = app.ApplicationServices.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value;
        if (!settings.Configured)
        {
            return app;
        }

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            // Only the entry the trusted proxy itself appended: anything before it is what the client claimed.
            ForwardLimit = 1,
        };
        // The framework trusts loopback by default; here only what is configured is trusted.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in settings.KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in settings.KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }

        // The middleware believes a connection without an address (a Unix socket, an in-process server) as if it were a
        // known proxy; such a connection is nobody's proxy here.
        return app.UseWhen(context => context.Connection.RemoteIpAddress is not null, forwarded => forwarded.UseForwardedHeaders(options));
    }
}
