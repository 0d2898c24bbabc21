using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace SmtpProbeHub.Api.Operations;

internal static class OperationsExtensions
{
    public static IServiceCollection AddOperationsServices(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        services.AddSingleton<HubMetrics>();
        services.AddHostedService<StartupBanner>();
        return services;
    }

    public static WebApplication MapOperationsApi(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).ExcludeFromDescription();
        app.MapMetrics(settings => settings.Registry = app.Services.GetRequiredService<HubMetrics>().Registry, "/metrics").ExcludeFromDescription();
        return app;
    }
}
