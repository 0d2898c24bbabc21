using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using SmtpProbeHub.Api.Agents.Remote;
using SmtpProbeHub.Api.Problems;

namespace SmtpProbeHub.Api.Operations;

/// <summary>
/// REST and Swagger UI only on the REST endpoint, the agents' gRPC service only on the agents' endpoint: each listener
/// marks its connections, and requests for the other side's paths get a 404. An agent endpoint exposed to the internet
/// then shows nothing of the API, and the API's port offers no agent service. Connections no listener marked
/// (in-process test servers) are not separated.
/// </summary>
internal static class EndpointSeparation
{
    public const string Agents = "agents";
    public const string Rest = "rest";
    private static readonly object Key = new();

    public static void Mark(ListenOptions listen, string kind)
    {
        if (kind == Agents)
        {
            // Kept so the start-up banner can say which bound address is the agents' (with port 0 Kestrel picks the port).
            listen.KestrelServerOptions.ApplicationServices.GetRequiredService<AgentListener>().Options = listen;
        }

        listen.Use(next => connection =>
        {
            connection.Items[Key] = kind;
            return next(connection);
        });
    }

    public static IApplicationBuilder UseEndpointSeparation(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var kind = context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(Key, out var value) == true ? value as string : null;
        var agentPath = context.Request.Path.StartsWithSegments(AgentHubService.PathPrefix);
        if (kind == Agents && !agentPath)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (kind == Rest && agentPath)
        {
            await Problem.NotFound("Agents connect on the hub's agent endpoint (Hub:Grpc:Url), not on the REST endpoint.").ExecuteAsync(context);
            return;
        }

        await next(context);
    });
}

/// <summary>The agents' listener once Kestrel has bound it: its port is the real one, also when configured as 0.</summary>
internal sealed class AgentListener
{
    public ListenOptions? Options { get; set; }

    /// <summary>The bound port, or null when there is no agent endpoint.</summary>
    public int? Port => (Options?.EndPoint as System.Net.IPEndPoint)?.Port;
}
