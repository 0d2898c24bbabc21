using System.Net;
using Grpc.Core;
using SmtpProbeHub.Api.Tests.AgentHub;
using SmtpProbeHub.Api.Tests.Support;
using Kind = SmtpProbeHub.Contracts.V1.HubMessage.KindOneofCase;

namespace SmtpProbeHub.Api.Tests.Security;

/// <summary>Guessing API keys or agent tokens from one address is slowed down before any key is looked at.</summary>
public sealed class GuessingTests
{
    private const string Key = "guessing-test-key-0123456789";

    [Fact]
    public async Task HundredWrongApiKeys_FromOneAddress_AreThrottledAfterTheLimit_WithRetryAfter_AndFewLogLines()
    {
        await using var hub = new HubFactory(new FakeRunner(), new() { ["Hub:ApiKeys:0"] = Key });
        var client = hub.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", "wrong-guess");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 100; i++)
        {
            last = await client.GetAsync("/api/v1/agents", TestContext.Current.CancellationToken);
            statuses.Add(last.StatusCode);
        }

        // The default allows 10 failures a minute: the 11th and later are refused unchecked.
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 10), statuses.Take(10));
        Assert.All(statuses.Skip(11), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        Assert.NotNull(last!.Headers.RetryAfter);
        Assert.Equal("auth_throttled", (await last.JsonAsync()).GetProperty("code").GetString());
        // While throttled, even the right key waits: telling them apart is the work the throttle saves.
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/api/v1/agents", TestContext.Current.CancellationToken)).StatusCode);
        var metrics = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("smtpprobehub_auth_failures_total{credential=\"api_key\",throttled=\"true\"} 9", metrics);
    }

    [Fact]
    public async Task WrongAgentTokens_FromOneAddress_AreThrottled_AndTheLogSaysSoOnce()
    {
        using var hub = HubFactory.WithRemoteAgents();
        var codes = new List<StatusCode>();
        for (var i = 0; i < 20; i++)
        {
            // The hub refuses before it reads a hello, so the call's status is read without writing anything (a write
            // racing the refusal would surface as the client's own "cancelled").
            var headers = new Metadata { { "authorization", $"Bearer guess-{i}" }, { "x-agent-key", new string('k', 32) } };
            using var call = new Contracts.V1.AgentHub.AgentHubClient(hub.Channel()).Connect(headers, cancellationToken: TestContext.Current.CancellationToken);
            var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(TestContext.Current.CancellationToken));
            codes.Add(refused.StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(StatusCode.Unauthenticated, 10), codes.Take(10));
        Assert.All(codes.Skip(10), c => Assert.Equal(StatusCode.ResourceExhausted, c));
        Assert.Single(hub.Logs.Lines, l => l.Contains("refused unchecked"));
        Assert.Equal(10, hub.Logs.Lines.Count(l => l.Contains("agent token refused")));
    }
}
