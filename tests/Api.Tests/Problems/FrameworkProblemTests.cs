using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Problems;

/// <summary>Answers the framework gives by status alone (routing, body reading, exceptions) carry the hub's problem shape.</summary>
public sealed class FrameworkProblemTests
{
    public static TheoryData<string, string, string?, HttpStatusCode, string> StatusOnlyAnswers => new()
    {
        { "GET", "/api/v1/nope", null, HttpStatusCode.NotFound, "not_found" },
        { "GET", "/api/v1/probes/not-a-guid", null, HttpStatusCode.NotFound, "not_found" },
        { "POST", "/api/v1/probes/not-a-guid/cancel", null, HttpStatusCode.NotFound, "not_found" },
        { "GET", "/nope", null, HttpStatusCode.NotFound, "not_found" },
        { "DELETE", "/api/v1/probes", null, HttpStatusCode.MethodNotAllowed, "method_not_allowed" },
        { "PUT", "/api/v1/probes/00000000-0000-0000-0000-000000000001", null, HttpStatusCode.MethodNotAllowed, "method_not_allowed" },
        { "POST", "/api/v1/probes", "text/plain", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type" },
        { "POST", "/api/v1/probes", "application/xml", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type" },
    };

    [Theory]
    [MemberData(nameof(StatusOnlyAnswers))]
    public async Task StatusOnlyAnswer_IsTheHubsProblem_NotTheFrameworks(string method, string url, string? contentType, HttpStatusCode status, string code)
    {
        await using var hub = new HubFactory(new FakeRunner());
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (contentType is not null)
        {
            request.Content = new StringContent("""{"to":["alice@corp.test"]}""");
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        var response = await hub.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);

        var problem = await response.IsProblemAsync(status, code);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()), problem.ToString());
    }

    [Fact]
    public async Task MethodNotAllowed_KeepsTheAllowHeader()
    {
        await using var hub = new HubFactory(new FakeRunner());

        var response = await hub.CreateClient().DeleteAsync("/api/v1/probes", TestContext.Current.CancellationToken);

        await response.IsProblemAsync(HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        Assert.Equal(["GET", "POST"], response.Content.Headers.Allow.Order());
    }

    [Theory]
    [InlineData("text/plain", "GET", "/api/v1/nope", null, HttpStatusCode.NotFound, "not_found")]
    [InlineData("text/html", "GET", "/api/v1/probes/00000000-0000-0000-0000-000000000001", null, HttpStatusCode.NotFound, "not_found")]
    [InlineData("text/html", "POST", "/api/v1/probes", """{"to":""", HttpStatusCode.BadRequest, "invalid_json")]
    [InlineData("application/xml", "GET", "/api/v1/probes?page=0", null, HttpStatusCode.BadRequest, "validation_failed")]
    public async Task ClientAcceptingNoJson_StillGetsTheProblemAsJson(string accept, string method, string url, string? body, HttpStatusCode status, string code)
    {
        await using var hub = new HubFactory(new FakeRunner());
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        request.Headers.Accept.ParseAdd(accept);
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        var response = await hub.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);

        await response.IsProblemAsync(status, code);
    }

    [Fact]
    public async Task UnhandledException_Is500InternalError_WithoutItsMessage()
    {
        await using var hub = new HubFactory(new FakeRunner()) { ExtraServices = s => s.AddSingleton<IStartupFilter>(new ThrowingPath()) };

        var response = await hub.CreateClient().GetAsync(ThrowingPath.Path, TestContext.Current.CancellationToken);

        var problem = await response.IsProblemAsync(HttpStatusCode.InternalServerError, "internal_error");
        Assert.DoesNotContain(ThrowingPath.Secret, problem.ToString());
    }

    [Fact]
    public async Task GrpcMethodAnsweringAnHttpError_GetsNoProblemBody_ItStaysGrpc()
    {
        // With an agent's credentials: the service's authorization lets the call through to gRPC, which refuses the JSON.
        await using var hub = new HubFactory(new FakeRunner(), new() { ["Hub:EnrollmentTokens:fleet"] = "fleet-token-0123456789" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/smtpprobehub.v1.AgentHub/Connect")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
            Headers = { { "authorization", "Bearer fleet-token-0123456789" }, { "x-agent-key", new string('k', 32) } },
        };

        var response = await hub.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.NotEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        var grpcStatus = response.Headers.TryGetValues("grpc-status", out var values) ? values.Single() : response.TrailingHeaders.GetValues("grpc-status").Single();
        Assert.Equal("13", grpcStatus);
    }

    /// <summary>A path past every endpoint that throws, as a bug in the hub would.</summary>
    private sealed class ThrowingPath : IStartupFilter
    {
        public const string Path = "/test/throws";
        public const string Secret = "connection string with a password";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, RequestDelegate _) =>
                context.Request.Path == Path ? throw new InvalidOperationException(Secret) : Task.CompletedTask);
        };
    }
}
