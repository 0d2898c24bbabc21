using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace SmtpProbeHub.Api.Problems;

/// <summary>
/// Turns exceptions into ProblemDetails: malformed JSON is a 400 invalid_json naming the field; another bad request (a
/// query value of the wrong type, a body over the limit, cut short or too slow) gets its status's problem; anything
/// else is a 500 without details.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        if (exception is BadHttpRequestException bad)
        {
            problem = FromBadRequest(bad);
        }
        else
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails { Status = StatusCodes.Status500InternalServerError };
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>"$.timeouts.totalSeconds" → "timeouts.totalSeconds"; "$.to[1]" → "to[1]".</summary>
    internal static string JsonPathToField(string path) => path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    // Problems without a code get type, title and code from their status (StatusProblems.Customize).
    private static ProblemDetails FromBadRequest(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            // "$" (the body as a whole: cut short, not an object) names no field.
            var field = json.Path is { } path && JsonPathToField(path) is { Length: > 0 } named ? named : null;
            // JsonException messages name the path and position, or the allowed values, never the content: safe to show.
            var problem = InvalidJson(field is null ? json.Message : $"{field}: {json.Message}");
            if (field is not null)
            {
                problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [json.Message] };
            }

            return problem;
        }

        // The framework names the parameter or the limit ("Request body too large. The max request body size is 30000000 bytes.").
        return new ProblemDetails { Status = bad.StatusCode, Detail = bad.Message };
    }

    private static ProblemDetails InvalidJson(string detail) => new()
    {
        Status = StatusCodes.Status400BadRequest,
        Type = ProblemTypes.InvalidJson,
        Title = "The request body is not valid JSON for this endpoint.",
        Detail = detail,
        Extensions = { ["code"] = "invalid_json" },
    };
}
