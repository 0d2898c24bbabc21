using System.Text.Json.Serialization;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using SmtpProbeHub.Probe.Serialization;

namespace SmtpProbeHub.Api.Problems;

internal static class ProblemServiceCollectionExtensions
{
    /// <summary>The contract's JSON, and errors always as the hub's ProblemDetails.</summary>
    public static IServiceCollection AddApiConventions(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            ProbeJson.Configure(o.SerializerOptions);
            // First, so it is the one chosen for every enum: same names, but an error that lists them.
            o.SerializerOptions.Converters.Insert(0, new EnumNamesConverter());
            // A misspelt field ("form") is an error, not silently a default.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });
        // Unreadable input throws, so ProblemExceptionHandler can answer with a ProblemDetails naming the field.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // Before AddProblemDetails, so it comes before the framework's writer and is the one chosen.
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = StatusProblems.Customize);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<KestrelServerOptions>(RequestLimits.ConfigureKestrel);
        return services;
    }

    /// <summary>
    /// Every error answer as a problem: exceptions, statuses set without a body (no route, wrong method, 415, 413)
    /// and the hub's request limits. gRPC calls are left to gRPC, which reports in its own headers and trailers.
    /// </summary>
    public static IApplicationBuilder UseProblemResponses(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(context =>
        {
            var http = context.HttpContext;
            if (IsGrpc(http))
            {
                return Task.CompletedTask;
            }

            var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
            return problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = new ProblemDetails() }).AsTask();
        });
        app.UseRequestLimits();
        return app;
    }

    /// <summary>A request routed to a gRPC method (by the endpoint routing chose, not by its path).</summary>
    public static bool IsGrpc(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not null;
}
