using System.Net;
using Grpc.Core;
using SmtpProbeHub.Api.Tests.Support;
using SmtpProbeHub.Contracts.V1;
using Kind = SmtpProbeHub.Contracts.V1.HubMessage.KindOneofCase;

namespace SmtpProbeHub.Api.Tests.AgentHub;

/// <summary>
/// Who may speak as which agent, tried as an attacker holding one valid token would: an agent id belongs to the
/// credential that enrolled it (token and agent key), the built-in agent's id to nobody remote.
/// </summary>
public sealed class AgentIdentityTests : IDisposable
{
    private const string SoloToken = "solo-token-9f8e7d6c5b4a";
    private const string OtherFleetToken = "other-fleet-token-1a2b3c4d";

    private readonly HubFactory _hub = HubFactory.WithRemoteAgents(new()
    {
        ["Hub:AgentTokens:solo"] = SoloToken,
        ["Hub:EnrollmentTokens:other"] = OtherFleetToken,
    });

    public void Dispose() => _hub.Dispose();

    private Task<TestAgentClient> Connect(string name, string token = HubFactory.AgentToken, string? agentId = null, string? agentKey = null) =>
        TestAgentClient.ConnectAsync(_hub.Channel(), token, name, 2, runsFromBefore: 0, [("zone", "outside")], agentId, agentKey);

    private async Task<TestAgentClient> ConnectWelcomed(string name, string token = HubFactory.AgentToken, string? agentId = null, string? agentKey = null)
    {
        var agent = await Connect(name, token, agentId, agentKey);
        await agent.NextAsync(Kind.Welcome);
        return agent;
    }

    [Fact]
    public async Task Impostor_WithTheSameTokenButAnotherKey_IsRefused_GetsNoAssignment_AndTheRealAgentStaysOnline()
    {
        var http = _hub.CreateClient();
        await using var real = await ConnectWelcomed("outside-1");

        await using var impostor = await Connect("outside-1", agentId: real.Id);
        var refused = await Assert.ThrowsAsync<RpcException>(() => impostor.NextAsync(Kind.Welcome));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("another agent key", refused.Status.Detail);
        var listed = Assert.Single((await http.AgentsAsync()).EnumerateArray());
        Assert.Equal("online", listed.GetProperty("status").GetString());
        Assert.Equal("fleet", listed.GetProperty("credential").GetString());
        // Work for that id, AUTH password included, still goes to the real agent only.
        var (status, _) = await http.PostProbeAsync($$"""{"ids":["{{real.Id}}"]}""");
        Assert.Equal(HttpStatusCode.Accepted, status);
        await real.NextAsync(Kind.Assignment);
        Assert.Contains(_hub.Logs.Lines, l => l.Contains("agent identity refused") && l.Contains("another agent key"));
    }

    [Fact]
    public async Task AnIdEnrolledWithOneToken_CannotBeClaimedWithAnother()
    {
        await using var real = await ConnectWelcomed("outside-1");

        await using var other = await Connect("outside-1", token: OtherFleetToken, agentId: real.Id, agentKey: real.Key);
        var refused = await Assert.ThrowsAsync<RpcException>(() => other.NextAsync(Kind.Welcome));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("belongs to another credential", refused.Status.Detail);
        var listed = Assert.Single((await _hub.CreateClient().AgentsAsync()).EnumerateArray());
        Assert.Equal("online", listed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task PerAgentToken_IsPinnedToTheFirstAgentId_AndAdmitsNoOther()
    {
        await using var first = await ConnectWelcomed("solo-1", token: SoloToken);

        await using var second = await Connect("solo-2", token: SoloToken);
        var refused = await Assert.ThrowsAsync<RpcException>(() => second.NextAsync(Kind.Welcome));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains($"pinned to agent {first.Id}", refused.Status.Detail);
        Assert.Contains("Hub:EnrollmentTokens:solo", refused.Status.Detail);
    }

    [Theory]
    [InlineData("hub")]
    [InlineData("HUB")]
    public async Task TheBuiltInAgentsId_CannotBeClaimedRemotely(string id)
    {
        await using var impostor = await Connect("hub", agentId: id);

        var refused = await Assert.ThrowsAsync<RpcException>(() => impostor.NextAsync(Kind.Welcome));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("built-in agent", refused.Status.Detail);
        Assert.Equal(0, (await _hub.CreateClient().AgentsAsync()).GetArrayLength());
    }

    [Fact]
    public async Task SecondConnection_WithTheSameIdAndKey_ReplacesTheFirst()
    {
        await using var first = await ConnectWelcomed("outside-1");

        await using var again = await ConnectWelcomed("outside-1", agentId: first.Id, agentKey: first.Key);

        Assert.Equal(StatusCode.OK, (await first.EndedAsync()).StatusCode);
        var listed = Assert.Single((await _hub.CreateClient().AgentsAsync()).EnumerateArray());
        Assert.Equal("online", listed.GetProperty("status").GetString());
        Assert.Contains(_hub.Logs.Lines, l => l.Contains("replaced by a newer connection"));
    }

    [Fact]
    public async Task Revoke_EndsTheStream_RefusesTheAgentFromThenOn_AndLeavesOthersOnline()
    {
        var http = _hub.CreateClient();
        await using var revoked = await ConnectWelcomed("outside-1");
        await using var other = await ConnectWelcomed("outside-2");

        var response = await http.PostAsync($"/api/v1/agents/{revoked.Id}/revoke", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("disconnected").GetBoolean());
        await revoked.EndedAsync();
        await using var back = await Connect("outside-1", agentId: revoked.Id, agentKey: revoked.Key);
        var refused = await Assert.ThrowsAsync<RpcException>(() => back.NextAsync(Kind.Welcome));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("revoked", refused.Status.Detail);
        var online = (await http.AgentsAsync()).EnumerateArray().Where(a => a.GetProperty("status").GetString() == "online").ToList();
        Assert.Equal(other.Id, Assert.Single(online).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("/api/v1/agents/never-enrolled/revoke", null, TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task AnAgentWithoutAKey_IsToldToUpgrade()
    {
        var headers = new Metadata { { "authorization", $"Bearer {HubFactory.AgentToken}" } };
        using var call = new Contracts.V1.AgentHub.AgentHubClient(_hub.Channel()).Connect(headers, cancellationToken: TestContext.Current.CancellationToken);
        await call.RequestStream.WriteAsync(new AgentMessage { Hello = new Hello { AgentId = "old-agent", Name = "old", Version = "0.9", Capacity = 1 } }, TestContext.Current.CancellationToken);

        var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(TestContext.Current.CancellationToken));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("upgrade", refused.Status.Detail);
    }
}
