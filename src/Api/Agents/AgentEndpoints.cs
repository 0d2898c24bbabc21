using Microsoft.AspNetCore.Http.HttpResults;
using SmtpProbeHub.Api.Security;
using SmtpProbeHub.Api.Storage;

namespace SmtpProbeHub.Api.Agents;

internal static class AgentEndpoints
{
    public static RouteGroupBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/agents").WithTags("Agents").RequireApiAccess();
        group.MapGet("/", (AgentRegistry registry, Cluster.ReplicaIdentity replica) => TypedResults.Ok(registry.All().Select(a => ToView(a, replica.Name)).ToList()))
            .WithName("ListAgents")
            .WithSummary("Every agent the hub knows, online first: labels, version, remote address, credential, runs in flight, last seen.");
        group.MapPost("/{id}/revoke", RevokeAsync).WithName("RevokeAgent")
            .WithSummary("Refuse one remote agent from now on: its stream ends at once and its id and key are never admitted again.")
            .WithDescription("Other agents, also those enrolled with the same token, are not touched. The agent must enrol anew with a new id (a new data directory) to come back.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    private static async Task<Results<Ok<AgentRevocationView>, ProblemHttpResult>> RevokeAsync(string id, IAgentIdentityStore identities, AgentRegistry registry, TimeProvider time, CancellationToken cancellationToken)
    {
        if (registry.Find(id) is { Connection.IsLocal: true })
        {
            return Problems.Problem.Create(StatusCodes.Status422UnprocessableEntity, Problems.ProblemTypes.Validation, "The built-in agent cannot be revoked.",
                "Turn it off with Hub:LocalAgent:Enabled=false.", "local_agent");
        }

        if (await identities.RevokeAsync(id, time.GetUtcNow(), cancellationToken) is not { } revokedAt)
        {
            return Problems.Problem.NotFound($"No remote agent with id {id} was ever enrolled.");
        }

        var online = registry.Find(id) is { IsOnline: true, Connection.IsLocal: false } registration;
        if (online)
        {
            registry.MarkOffline(registry.Find(id)!, "revoked");
        }

        return TypedResults.Ok(new AgentRevocationView { Id = id, RevokedAt = revokedAt, Disconnected = online });
    }

    private static AgentStatusView ToView(AgentRegistration a, string? thisReplica) => new()
    {
        Id = a.Agent.Id,
        Name = a.Agent.Name,
        Labels = a.Agent.Labels,
        Status = a.IsOnline ? "online" : "offline",
        Local = a.Connection.IsLocal,
        Version = a.Connection.Version,
        RemoteAddress = a.Connection.RemoteAddress,
        Credential = a.Connection.Credential,
        Capacity = a.Agent.Capacity,
        InFlight = a.InFlight,
        ConnectedAt = a.ConnectedAt,
        LastSeen = a.LastSeen,
        Replica = a.Connection.Replica ?? thisReplica,
    };
}
