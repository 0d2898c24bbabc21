using System.Diagnostics;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace SmtpProbeHub.Api.Problems;

/// <summary>
/// Writes every problem as <c>application/problem+json</c>, whatever the request's Accept header says. The framework's
/// writer declines when Accept names no JSON type (<c>Accept: text/html</c>, <c>text/plain</c>): the status code pages
/// then answered "Status Code: 404; Not Found" in text and the exception handler an empty 400. The API's contract is
/// JSON errors, and a client that asked for something else still needs the code to act on.
/// </summary>
internal sealed class ProblemJsonWriter(IOptions<ProblemDetailsOptions> problemOptions, IOptions<JsonOptions> jsonOptions) : IProblemDetailsWriter
{
    public const string ContentType = "application/problem+json";

    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        problemOptions.Value.CustomizeProblemDetails?.Invoke(context);
        // As the framework's writer does: the id that finds this request in the logs and traces.
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? http.TraceIdentifier);
        var typeInfo = jsonOptions.Value.SerializerOptions.GetTypeInfo(problem.GetType());
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, typeInfo, ContentType));
    }
}
