using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Security;

/// <summary>
/// Behind a load balancer every connection comes from the proxy: with Hub:ForwardedHeaders naming it, the client is the
/// address the proxy forwarded for, so one client's failures throttle that client only; anyone else's X-Forwarded-For
/// is ignored, so no client can pick the address it is throttled (or served) as.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private const string Key = "forwarded-test-key-0123456789";
    private const string Proxy = "10.0.0.5";
    private const string Stranger = "203.0.113.9";

    [Fact]
    public async Task WithoutConfiguration_XForwardedFor_ChangesNothing_TheThrottleCountsTheConnection()
    {
        await using var hub = Hub(new() { ["Hub:ApiKeys:0"] = Key });

        // Ten failures, each claiming another address: all from the proxy's connection as far as the hub is concerned.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await GetAgentsAsync(hub, Proxy, $"198.51.100.{i + 1}", "wrong")).StatusCode);
        }

        var refused = await GetAgentsAsync(hub, Proxy, "198.51.100.200", Key);
        await refused.IsProblemAsync(HttpStatusCode.TooManyRequests, "auth_throttled");
        Assert.Contains(hub.Logs.Lines, l => l.Contains($"refused from {Proxy}"));
        Assert.DoesNotContain(hub.Logs.Lines, l => l.Contains("198.51.100."));
    }

    [Fact]
    public async Task BehindAKnownProxy_ClientsAreThrottledSeparately()
    {
        await using var hub = Hub(new() { ["Hub:ApiKeys:0"] = Key, ["Hub:ForwardedHeaders:KnownProxies:0"] = Proxy });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            statuses.Add((await GetAgentsAsync(hub, Proxy, "198.51.100.1", "wrong")).StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 10), statuses.Take(10));
        var throttled = await GetAgentsAsync(hub, Proxy, "198.51.100.1", Key);
        await throttled.IsProblemAsync(HttpStatusCode.TooManyRequests, "auth_throttled");
        // Another client behind the same proxy: served, and its own wrong key is a plain 401, not someone else's 429.
        Assert.Equal(HttpStatusCode.OK, (await GetAgentsAsync(hub, Proxy, "198.51.100.2", Key)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAgentsAsync(hub, Proxy, "198.51.100.2", "wrong")).StatusCode);
        // Only the entry the proxy appended counts: what a client put before it (here a spoofed address) does not.
        Assert.Equal(HttpStatusCode.OK, (await GetAgentsAsync(hub, Proxy, "198.51.100.1, 198.51.100.3", Key)).StatusCode);
        Assert.Contains(hub.Logs.Lines, l => l.Contains("refused from 198.51.100.1"));
        Assert.DoesNotContain(hub.Logs.Lines, l => l.Contains($"refused from {Proxy}"));
    }

    [Fact]
    public async Task BehindAKnownNetwork_ClientsAreThrottledSeparately()
    {
        await using var hub = Hub(new() { ["Hub:ApiKeys:0"] = Key, ["Hub:ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/24" });

        for (var i = 0; i < 11; i++)
        {
            await GetAgentsAsync(hub, Proxy, "198.51.100.1", "wrong");
        }

        await (await GetAgentsAsync(hub, Proxy, "198.51.100.1", Key)).IsProblemAsync(HttpStatusCode.TooManyRequests, "auth_throttled");
        Assert.Equal(HttpStatusCode.OK, (await GetAgentsAsync(hub, Proxy, "198.51.100.2", Key)).StatusCode);
    }

    [Fact]
    public async Task AClientThatIsNotAKnownProxy_IsKeyedByItsOwnAddress_WhateverItForwards()
    {
        await using var hub = Hub(new() { ["Hub:ApiKeys:0"] = Key, ["Hub:ForwardedHeaders:KnownProxies:0"] = Proxy });

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await GetAgentsAsync(hub, Stranger, $"198.51.100.{i + 1}", "wrong")).StatusCode);
        }

        // A fresh claimed address does not escape the throttle, and the proxy's clients were never charged for it.
        await (await GetAgentsAsync(hub, Stranger, "198.51.100.77", Key)).IsProblemAsync(HttpStatusCode.TooManyRequests, "auth_throttled");
        Assert.Equal(HttpStatusCode.OK, (await GetAgentsAsync(hub, Proxy, "198.51.100.1", Key)).StatusCode);
        Assert.Contains(hub.Logs.Lines, l => l.Contains($"refused from {Stranger}"));
        Assert.DoesNotContain(hub.Logs.Lines, l => l.Contains("refused from 198.51.100."));
    }

    [Fact]
    public async Task WithoutKeys_ARemoteClient_CannotClaimLoopback()
    {
        await using var hub = Hub(new() { ["Hub:ForwardedHeaders:KnownProxies:0"] = Proxy });

        var refused = await GetAgentsAsync(hub, Stranger, "127.0.0.1", apiKey: null);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("loopback_only", (await refused.JsonAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Agents_BehindAKnownProxy_AreThrottledSeparately()
    {
        await using var hub = HubFactory.WithRemoteAgents(new() { ["Hub:ForwardedHeaders:KnownProxies:0"] = Proxy },
            services: s => s.AddSingleton<IStartupFilter>(new PeerFromTestHeader()));

        var codes = new List<StatusCode>();
        for (var i = 0; i < 12; i++)
        {
            codes.Add(await ConnectAsync(hub, "198.51.100.1", $"guess-{i}"));
        }

        Assert.Equal(Enumerable.Repeat(StatusCode.Unauthenticated, 10), codes.Take(10));
        Assert.All(codes.Skip(10), c => Assert.Equal(StatusCode.ResourceExhausted, c));
        // The next agent behind the same proxy is still looked at: its wrong token is refused as such, not throttled.
        Assert.Equal(StatusCode.Unauthenticated, await ConnectAsync(hub, "198.51.100.2", "another-guess"));
    }

    private static HubFactory Hub(Dictionary<string, string?> settings) =>
        new(new FakeRunner(), settings) { ExtraServices = s => s.AddSingleton<IStartupFilter>(new PeerFromTestHeader()) };

    private static async Task<HttpResponseMessage> GetAgentsAsync(HubFactory hub, string peer, string forwardedFor, string? apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/agents");
        request.Headers.Add(PeerFromTestHeader.Header, peer);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        return await hub.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<StatusCode> ConnectAsync(HubFactory hub, string forwardedFor, string token)
    {
        var headers = new Metadata
        {
            { "authorization", $"Bearer {token}" },
            { "x-agent-key", new string('k', 32) },
            { PeerFromTestHeader.Header, Proxy },
            { "x-forwarded-for", forwardedFor },
        };
        using var call = new Contracts.V1.AgentHub.AgentHubClient(hub.Channel()).Connect(headers, cancellationToken: TestContext.Current.CancellationToken);
        var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(TestContext.Current.CancellationToken));
        return refused.StatusCode;
    }

    /// <summary>
    /// Gives each in-process request the connection address named in a test header, as Kestrel would give it the TCP
    /// peer's, before anything of the hub runs (the forwarded-headers middleware included).
    /// </summary>
    private sealed class PeerFromTestHeader : IStartupFilter
    {
        public const string Header = "x-test-connection-peer";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate nextDelegate) =>
            {
                if (context.Request.Headers[Header].FirstOrDefault() is { } peer)
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
                    context.Request.Headers.Remove(Header);
                }

                return nextDelegate(context);
            });
            next(app);
        };
    }
}
