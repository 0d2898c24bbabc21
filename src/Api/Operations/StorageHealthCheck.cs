using Microsoft.Extensions.Diagnostics.HealthChecks;
using SmtpProbeHub.Api.Storage;

namespace SmtpProbeHub.Api.Operations;

/// <summary>Ready when storage can read and write, and its file is still the one the hub opened.</summary>
internal sealed class StorageHealthCheck(IProbeStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.ProblemAsync(cancellationToken) is { } problem
            ? HealthCheckResult.Unhealthy($"Storage cannot write: {problem}")
            : HealthCheckResult.Healthy("Storage reads and writes.");
}
