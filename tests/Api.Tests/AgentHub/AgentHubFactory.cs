using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace SmtpProbeHub.Api.Tests.AgentHub;

/// <summary>
/// The hub in-process with the built-in agent off, one enrolment token ("fleet" = <see cref="Token"/>) and
/// short heartbeats, so remote-agent behaviour is what the tests see.
/// </summary>
internal sealed class AgentHubFactory(Dictionary<string, string?>? extra = null) : WebApplicationFactory<Program>
{
    public const string Token = "fleet-token-0123456789";

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("agenthub-tests-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Hub:DataDirectory"] = _dataDirectory,
            ["Hub:LocalAgent:Enabled"] = "false",
            // A fleet token: the tests connect many agents with it, each enrolling its own id and key.
            ["Hub:EnrollmentTokens:fleet"] = Token,
            ["Hub:Targets:AllowedPorts:0"] = "1-65535",
            ["Hub:Targets:AllowedNetworks:0"] = "127.0.0.0/8",
            // Port 0: no fixed port to require (the test server has none).
            ["Hub:Grpc:Url"] = "http://127.0.0.1:0",
            ["Hub:Grpc:HeartbeatSeconds"] = "1",
            ["Hub:Grpc:HeartbeatTimeoutSeconds"] = "3",
            // These tests poll the API every 50 ms; the per-client rate limit (60 burst) is not what they are about,
            // and a slow machine used to poll past it and read a 429 problem as a probe.
            ["Hub:RateLimit:Burst"] = "100000",
            ["Hub:RateLimit:PerMinute"] = "100000",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Logs));
    }

    public CapturedLogs Logs { get; } = new();

    public GrpcChannel Channel() =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
