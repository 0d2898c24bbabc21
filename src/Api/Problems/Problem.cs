using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SmtpProbeHub.Api.Dispatch;

namespace SmtpProbeHub.Api.Problems;

/// <summary>Builds the hub's problem responses: every one has a stable type, a title, a code and, for bad input, the fields.</summary>
public static class Problem
{
    public const string ValidationTitle = "The request is invalid.";

    public static ProblemHttpResult Validation(IReadOnlyDictionary<string, string[]> errors) => TypedResults.Problem(ValidationDetails(errors));

    /// <summary>The 400 naming each invalid field; also what the exception handler answers for a query value that does not parse.</summary>
    public static HttpValidationProblemDetails ValidationDetails(IReadOnlyDictionary<string, string[]> errors) =>
        new(errors.ToDictionary(e => e.Key, e => e.Value))
        {
            Status = StatusCodes.Status400BadRequest,
            Type = ProblemTypes.Validation,
            Title = ValidationTitle,
            Detail = $"Invalid field(s): {string.Join(", ", errors.Keys)}. Nothing was sent to any server.",
            Extensions = { ["code"] = "validation_failed" },
        };

    public static ProblemHttpResult NotFound(string detail) =>
        Create(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Not found.", detail, "not_found");

    public static ProblemHttpResult NoAgentsMatched(string detail) =>
        Create(StatusCodes.Status422UnprocessableEntity, ProblemTypes.NoAgentsMatched, "No agent matches the selector.", detail, "no_agents_matched");

    public static ProblemHttpResult TargetNotAllowed(TargetNotAllowedException refused) =>
        Create(StatusCodes.Status422UnprocessableEntity, ProblemTypes.TargetNotAllowed, "The target is not allowed by the target policy.",
            $"{refused.Message} Nothing was sent.", "target_not_allowed", new Dictionary<string, object?> { ["rule"] = refused.Rule });

    /// <summary>503 with Retry-After (set by <see cref="StorageUnavailableResult"/>): nothing of the request was kept.</summary>
    public static StorageUnavailableResult StorageUnavailable(Storage.StorageUnavailableException unavailable) =>
        new StorageUnavailableResult(Create(StatusCodes.Status503ServiceUnavailable, ProblemTypes.StorageUnavailable, "Storage is unavailable.",
            $"{unavailable.Reason}. Nothing was recorded and nothing was sent; retry later.", "storage_unavailable",
            new Dictionary<string, object?> { ["retryAfterSeconds"] = StorageUnavailableResult.RetryAfterSeconds }));

    /// <summary>A problem that its status describes (<see cref="StatusProblems"/>), with the detail of this occurrence.</summary>
    public static ProblemHttpResult ForStatus(int status, string? detail)
    {
        var (type, title, code) = StatusProblems.For(status);
        return Create(status, type, title, detail, code);
    }

    public static ProblemHttpResult Create(int status, string type, string title, string? detail, string code, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail, Extensions = { ["code"] = code } };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        return TypedResults.Problem(problem);
    }
}

/// <summary>A storage_unavailable problem with its Retry-After header.</summary>
public sealed class StorageUnavailableResult(ProblemHttpResult problem) : IResult
{
    public const int RetryAfterSeconds = 5;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return problem.ExecuteAsync(httpContext);
    }
}
