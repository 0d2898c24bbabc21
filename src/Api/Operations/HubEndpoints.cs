using Microsoft.AspNetCore.Hosting.Server.Features;
using SmtpProbeHub.Api.Agents.Remote;

namespace SmtpProbeHub.Api.Operations;

/// <summary>
/// The hub's endpoints are Kestrel's own named endpoints (appsettings.json): <c>Kestrel:Endpoints:Rest</c> for REST
/// and Swagger UI, <c>Kestrel:Endpoints:Agents</c> for the agents' gRPC service, HTTP/2 only (plaintext gRPC needs
/// prior knowledge, which a port that also speaks HTTP/1.1 cannot offer). Kestrel binds them, with their URLs,
/// protocols and certificates; this only tells each one's connections apart (<see cref="EndpointSeparation"/>) and
/// keeps the older, shorter settings meaning what they did: <c>urls</c> (--urls, ASPNETCORE_URLS) names the REST
/// endpoint, and <c>Hub:Grpc:Url</c> with <c>Hub:Grpc:CertificatePath</c>/<c>KeyPath</c> the agents' one.
/// An empty agents URL turns remote agents off.
/// </summary>
internal static class HubEndpoints
{
    public const string Rest = "Rest";
    public const string Agents = "Agents";
    private const string AgentsKey = "Kestrel:Endpoints:" + Agents;

    public static WebApplicationBuilder AddHubEndpoints(this WebApplicationBuilder builder)
    {
        var shorthands = Shorthands(builder.Configuration);
        builder.Configuration.AddInMemoryCollection(shorthands);
        if (builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 })
        {
            builder.Services.AddSingleton<IStartupFilter, UrlsAreEndpoints>();
        }

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var grpc = context.Configuration.GetSection(AgentHubOptions.Section).Get<AgentHubOptions>() ?? new AgentHubOptions();
            kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(grpc.KeepAlivePingSeconds);
            kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(Math.Max(5, grpc.KeepAlivePingSeconds));

            var section = context.Configuration.GetSection("Kestrel");
            var loader = AgentsUrl(context.Configuration) is null ? kestrel.Configure(WithoutAgents(section)) : kestrel.Configure(section, reloadOnChange: true);
            foreach (var endpoint in section.GetSection("Endpoints").GetChildren())
            {
                var kind = endpoint.Key.Equals(Agents, StringComparison.OrdinalIgnoreCase) ? EndpointSeparation.Agents : EndpointSeparation.Rest;
                loader.Endpoint(endpoint.Key, configured => EndpointSeparation.Mark(configured.ListenOptions, kind));
            }
        });
        return builder;
    }

    /// <summary>Where agents connect, or null when remote agents are off.</summary>
    public static string? AgentsUrl(IConfiguration configuration) => configuration[AgentsKey + ":Url"] is { Length: > 0 } url ? url : null;

    // Set last, so they win over appsettings.json.
    private static Dictionary<string, string?> Shorthands(IConfiguration configuration)
    {
        var shorthands = new Dictionary<string, string?>();
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < urls.Length; i++)
        {
            shorthands[$"Kestrel:Endpoints:{Rest}{(i == 0 ? "" : i + 1)}:Url"] = urls[i];
        }

        var grpc = configuration.GetSection(AgentHubOptions.Section);
        if (grpc["Url"] is { } agentsUrl)
        {
            shorthands[AgentsKey + ":Url"] = agentsUrl;
        }

        if (grpc["CertificatePath"] is { Length: > 0 } certificate)
        {
            shorthands[AgentsKey + ":Certificate:Path"] = certificate;
            shorthands[AgentsKey + ":Certificate:KeyPath"] = grpc["KeyPath"];
        }

        return shorthands;
    }

    // Kestrel refuses an endpoint without a URL: with remote agents off it is given the configuration without theirs.
    private static IConfiguration WithoutAgents(IConfigurationSection kestrel) => new ConfigurationBuilder()
        .AddInMemoryCollection(kestrel.AsEnumerable(makePathsRelative: true)
            .Where(e => !e.Key.Equals("Endpoints:" + Agents, StringComparison.OrdinalIgnoreCase)
                && !e.Key.StartsWith("Endpoints:" + Agents + ":", StringComparison.OrdinalIgnoreCase)))
        .Build();

    /// <summary>
    /// The web host hands urls to Kestrel as well, and Kestrel, binding its configured endpoints, would warn at every
    /// start that it overrides them. They are the REST endpoints now (above), so the web host's copy is dropped before
    /// Kestrel starts.
    /// </summary>
    private sealed class UrlsAreEndpoints : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.ServerFeatures.Get<IServerAddressesFeature>()?.Addresses.Clear();
            next(app);
        };
    }
}
