using Microsoft.Extensions.Diagnostics.HealthChecks;
using SmtpProbeHub.Api.Storage;

namespace SmtpProbeHub.Api.Operations;

/// <summary>Ready when the database answers a query.</summary>
internal sealed class StorageHealthCheck(IProbeStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.IsReachableAsync(cancellationToken)
            ? HealthCheckResult.Healthy("Database reachable.")
            : HealthCheckResult.Unhealthy("Database not reachable.");
}
