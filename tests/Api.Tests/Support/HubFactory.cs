using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SmtpProbeHub.Probe;

namespace SmtpProbeHub.Api.Tests.Support;

/// <summary>
/// The hub in-process on its own temporary data directory. <see cref="Runner"/> replaces the engine when
/// set; settings are extra configuration (e.g. "Hub:ApiKeys:0").
/// </summary>
internal sealed class HubFactory : WebApplicationFactory<Program>
{
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

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Hub:DataDirectory", DataDirectory);
        if (Environment is not null)
        {
            builder.UseEnvironment(Environment);
        }

        // Tests poll every 50 ms; on a slow machine that outruns the default per-client limit (60 burst) and a 429
        // would be read as a probe. The access tests set their own small limits below.
        builder.UseSetting("Hub:RateLimit:Burst", "100000");
        builder.UseSetting("Hub:RateLimit:PerMinute", "100000");
        // Test output shows the hub's warnings and errors, not every request.
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
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
        if (_ownsDataDirectory && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
