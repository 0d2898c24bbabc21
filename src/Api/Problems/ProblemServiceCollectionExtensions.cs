using System.Text.Json.Serialization;
using SmtpProbeHub.Probe.Serialization;

namespace SmtpProbeHub.Api.Problems;

internal static class ProblemServiceCollectionExtensions
{
    /// <summary>The contract's JSON, and errors always as ProblemDetails.</summary>
    public static IServiceCollection AddApiConventions(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            ProbeJson.Configure(o.SerializerOptions);
            // A misspelt field ("form") is an error, not silently a default.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });
        // Unreadable input throws, so ProblemExceptionHandler can answer with a ProblemDetails naming the field.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }
}
