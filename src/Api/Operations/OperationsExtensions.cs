using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;
using SmtpProbeHub.Api.Security;
using SmtpProbeHub.Api.Storage;

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

    /// <summary>Health is open to anyone (load balancers, probes); metrics follow Swagger UI's rule (open once keys are configured).</summary>
    public static WebApplication MapOperationsApi(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).ExcludeFromDescription().AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).ExcludeFromDescription().AllowAnonymous();
        app.MapMetrics(settings => settings.Registry = app.Services.GetRequiredService<HubMetrics>().Registry, "/metrics").ExcludeFromDescription()
            .RequireAuthorization(AccessPolicies.LoopbackWithoutKeys);
        return app;
    }
}
