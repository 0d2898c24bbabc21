using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace SmtpProbeHub.Api.Problems;

/// <summary>
/// Turns exceptions into ProblemDetails: unreadable input is a 400 naming the field (malformed JSON or an unknown enum
/// value in the body: invalid_json; a query value of the wrong type: validation_failed); another bad request (a body
/// over the limit, cut short or too slow) gets its status's problem; anything else is a 500 without details.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
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

        // The framework names the parameter only in its message, in one of these two forms since .NET 6; a message in
        // another form still answers 400, without the field.
        if (bad.StatusCode == StatusCodes.Status400BadRequest && BindingFailure().Match(bad.Message) is { Success: true } failure)
        {
            var name = failure.Groups["name"].Value;
            return failure.Groups["source"].Value switch
            {
                "body" => InvalidJson("A JSON object is required as the request body."),
                "" => Problem.ValidationDetails(new Dictionary<string, string[]> { [name] = [$"{name} must be {Expected(failure.Groups["type"].Value)}."] }),
                _ => Problem.ValidationDetails(new Dictionary<string, string[]> { [name] = [$"{name} is required."] }),
            };
        }

        // Kestrel's messages ("Request body too large. The max request body size is 30000000 bytes.") name limits only.
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

    /// <summary>What a query or route value must look like, from the parameter's type as the framework prints it ("Nullable&lt;int&gt;").</summary>
    private static string Expected(string type) => (type.StartsWith("Nullable<", StringComparison.Ordinal) ? type[9..^1] : type) switch
    {
        "int" or "long" or "short" or "byte" or "uint" or "ulong" or "ushort" or "sbyte" => "a whole number",
        "double" or "float" or "decimal" => "a number",
        "bool" => "true or false",
        "Guid" => "a GUID",
        "DateTimeOffset" or "DateTime" => "a date and time in ISO 8601 (2026-01-31T12:00:00Z)",
        var other => "a valid " + other,
    };

    // 'Failed to bind parameter "Nullable<int> page" from "x".' or 'Required parameter "ProbeRequest request" was not provided from body.'
    [GeneratedRegex("""^(?:Failed to bind parameter "(?<type>[^"]+) (?<name>[^" ]+)" from |Required parameter "(?<type>[^"]+) (?<name>[^" ]+)" was not provided from (?<source>[a-z ]+)\.)""")]
    private static partial Regex BindingFailure();
}
