using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace SmtpProbeHub.Api.Problems;

/// <summary>
/// Turns exceptions into ProblemDetails: unreadable input (malformed JSON, an unknown enum value, a
/// query value of the wrong type) is a 400 naming the field; anything else is a 500 without details.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is Storage.StorageUnavailableException unavailable)
        {
            // Any endpoint (a GET whose read failed too): the same answer as a refused probe.
            await Problem.StorageUnavailable(unavailable).ExecuteAsync(httpContext);
            return true;
        }

        ProblemDetails problem;
        if (exception is BadHttpRequestException bad)
        {
            var json = exception.InnerException as JsonException;
            var field = json?.Path is { Length: > 0 } path ? JsonPathToField(path) : null;
            problem = new ProblemDetails
            {
                Status = bad.StatusCode,
                Type = json is null ? ProblemTypes.Validation : ProblemTypes.InvalidJson,
                Title = json is null ? "The request is invalid." : "The request body is not valid JSON for this endpoint.",
                // JsonException messages name the path and position, never the content: safe to show.
                Detail = json?.Message ?? bad.Message,
                Extensions = { ["code"] = json is null ? "bad_request" : "invalid_json" },
            };
            if (field is not null)
            {
                problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [json!.Message] };
            }
        }
        else
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Type = ProblemTypes.Internal,
                Title = "The hub failed to handle the request.",
                Extensions = { ["code"] = "internal_error" },
            };
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>"$.timeouts.totalSeconds" → "timeouts.totalSeconds"; "$.to[1]" → "to[1]".</summary>
    internal static string JsonPathToField(string path) => path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
}
