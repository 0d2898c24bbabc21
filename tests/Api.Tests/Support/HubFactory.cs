using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SmtpProbeHub.Probe;

namespace SmtpProbeHub.Api.Tests.Support;

/// <summary>
/// The hub in-process on its own temporary data directory, the one test factory. <see cref="Runner"/> replaces the
/// engine when set; settings are extra configuration (e.g. "Hub:ApiKeys:0"). <see cref="WithRemoteAgents"/> is the
/// variant for the agent hub's tests. What an operator would read in the log is in <see cref="Logs"/>.
/// </summary>
internal sealed class HubFactory : WebApplicationFactory<Program>
{
    /// <summary>The enrolment token of <see cref="WithRemoteAgents"/> ("fleet").</summary>
    public const string AgentToken = "fleet-token-0123456789";

    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDataDirectory;

    public HubFactory(IProbeRunner? runner = null, Dictionary<string, string?>? settings = null, string? dataDirectory = null)
    {
        Runner = runner;
        _ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("hubtest-").FullName;
        _settings = settings ?? [];
    }

    public IProbeRunner? Runner { get; }

    public string DataDirectory { get; }

    public Action<IServiceCollection>? ExtraServices { get; init; }

    /// <summary>The hosting environment when not the factory's default (Development).</summary>
    public string? Environment { get; init; }

    /// <summary>Every log record from Information up, whatever the console shows.</summary>
    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    /// <summary>
    /// The hub with the built-in agent off, one enrolment token ("fleet" = <see cref="AgentToken"/>) and short heartbeats,
    /// so remote-agent behaviour is what the tests see; <paramref name="clock"/>, when given, is the hub's TimeProvider.
    /// </summary>
    public static HubFactory WithRemoteAgents(Dictionary<string, string?>? extra = null, TimeProvider? clock = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Hub:LocalAgent:Enabled"] = "false",
            // A fleet token: the tests connect many agents with it, each enrolling its own id and key.
            ["Hub:EnrollmentTokens:fleet"] = AgentToken,
            // Port 0: no fixed port to require (the test server has none).
            ["Hub:Grpc:Url"] = "http://127.0.0.1:0",
            ["Hub:Grpc:HeartbeatSeconds"] = "1",
            ["Hub:Grpc:HeartbeatTimeoutSeconds"] = "3",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return new HubFactory(settings: settings)
        {
            ExtraServices = clock is null ? null : services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(clock);
            },
        };
    }

    /// <summary>A gRPC channel to the in-process hub, as an agent dials it.</summary>
    public GrpcChannel Channel() =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Hub:DataDirectory", DataDirectory);
        if (Environment is not null)
        {
            builder.UseEnvironment(Environment);
        }

        // Test output shows the hub's warnings and errors, not every request; the collector keeps Information and up.
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)
            .AddFakeLogging().AddFilter<FakeLoggerProvider>(null, LogLevel.Information));
        if (!_settings.Keys.Any(k => k.StartsWith("Hub:Targets", StringComparison.Ordinal)))
        {
            // The fakes and the tests' peers listen on loopback ports: allowed here explicitly, as an operator would
            // (the default policy refuses loopback and ports other than 25, 465, 587 and 2525; TargetPolicyTests test it).
            builder.UseSetting("Hub:Targets:AllowedPorts:0", "1-65535");
            builder.UseSetting("Hub:Targets:AllowedNetworks:0", "127.0.0.0/8");
            builder.UseSetting("Hub:Targets:AllowedNetworks:1", "::1");
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            if (Runner is not null)
            {
                services.RemoveAll<IProbeRunner>();
                services.AddSingleton(Runner);
            }

            ExtraServices?.Invoke(services);
        });
    }

    /// <summary>Stops the hub and removes the data directory it created (not one a test passed in).</summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        RemoveDataDirectory();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        RemoveDataDirectory();
    }

    private void RemoveDataDirectory()
    {
        try
        {
            if (_ownsDataDirectory && Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}
