using SmtpProbeHub.Api.Security;

namespace SmtpProbeHub.Api.Agents;

internal static class AgentEndpoints
{
    public static RouteGroupBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/agents").WithTags("Agents").WithAccessProblems();
        group.MapGet("/", (AgentRegistry registry) => TypedResults.Ok(registry.All().Select(ToView).ToList()))
            .WithName("ListAgents")
            .WithSummary("Every agent the hub knows, online first: labels, version, remote address, runs in flight, last seen.");
        return group;
    }

    private static AgentStatusView ToView(AgentRegistration a) => new()
    {
        Id = a.Agent.Id,
        Name = a.Agent.Name,
        Labels = a.Agent.Labels,
        Status = a.IsOnline ? "online" : "offline",
        Local = a.Connection.IsLocal,
        Version = a.Connection.Version,
        RemoteAddress = a.Connection.RemoteAddress,
        Capacity = a.Agent.Capacity,
        InFlight = a.InFlight,
        ConnectedAt = a.ConnectedAt,
        LastSeen = a.LastSeen,
    };
}
