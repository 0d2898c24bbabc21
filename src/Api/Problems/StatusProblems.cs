using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace SmtpProbeHub.Api.Problems;

/// <summary>
/// The type, title and code of a problem that only its status describes. The framework raises such problems itself
/// (no route matches, a method the route does not take, a body that is too large or not JSON) with its own RFC 9110
/// links and no code; <see cref="Customize"/> runs as <see cref="ProblemDetailsOptions.CustomizeProblemDetails"/>, so
/// every problem written through <see cref="IProblemDetailsService"/> leaves in the hub's shape.
/// </summary>
internal static partial class StatusProblems
{
    // The codes are public: automation switches on them. Add a status here rather than let the fallback name it.
    private static readonly Dictionary<int, (string Type, string Title, string Code)> Known = new()
    {
        [StatusCodes.Status400BadRequest] = (ProblemTypes.BadRequest, "The request is malformed.", "bad_request"),
        [StatusCodes.Status401Unauthorized] = (ProblemTypes.Unauthorized, "A valid API key is required.", "unauthorized"),
        [StatusCodes.Status403Forbidden] = (ProblemTypes.Forbidden, "Forbidden.", "forbidden"),
        [StatusCodes.Status404NotFound] = (ProblemTypes.NotFound, "Not found.", "not_found"),
        [StatusCodes.Status405MethodNotAllowed] = (ProblemTypes.MethodNotAllowed, "Method not allowed.", "method_not_allowed"),
        [StatusCodes.Status408RequestTimeout] = (ProblemTypes.RequestTimeout, "The request did not arrive in time.", "request_timeout"),
        [StatusCodes.Status413PayloadTooLarge] = (ProblemTypes.PayloadTooLarge, "The request body is too large.", "payload_too_large"),
        [StatusCodes.Status414UriTooLong] = (ProblemTypes.UriTooLong, "The URL is too long.", "uri_too_long"),
        [StatusCodes.Status415UnsupportedMediaType] = (ProblemTypes.UnsupportedMediaType, "Unsupported media type.", "unsupported_media_type"),
        [StatusCodes.Status429TooManyRequests] = (ProblemTypes.RateLimited, "Too many requests.", "rate_limited"),
        [StatusCodes.Status431RequestHeaderFieldsTooLarge] = (ProblemTypes.HeadersTooLarge, "The request headers are too large.", "headers_too_large"),
        [StatusCodes.Status500InternalServerError] = (ProblemTypes.Internal, "The hub failed to handle the request.", "internal_error"),
    };

    /// <summary>Fills in a problem the framework raised; one that already has a code is the hub's own and stays as it is.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code"))
        {
            return;
        }

        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var (type, title, code) = problem is HttpValidationProblemDetails { Errors.Count: > 0 }
            ? (ProblemTypes.Validation, Problem.ValidationTitle, "validation_failed")
            : For(status);
        problem.Status = status;
        problem.Type = type;
        problem.Title = title;
        problem.Detail ??= Detail(status, context.HttpContext);
        problem.Extensions["code"] = code;
    }

    /// <summary>The type, title and code for <paramref name="status"/>.</summary>
    public static (string Type, string Title, string Code) For(int status)
    {
        if (Known.TryGetValue(status, out var known))
        {
            return known;
        }

        // A status the hub is not expected to answer with: named after its reason phrase, which is just as stable.
        var phrase = ReasonPhrases.GetReasonPhrase(status);
        var slug = phrase.Length > 0 ? NotAlphanumeric().Replace(phrase.ToLowerInvariant(), "-").Trim('-') : "http-" + status.ToString(CultureInfo.InvariantCulture);
        return (ProblemTypes.Base + slug, phrase.Length > 0 ? phrase + "." : "HTTP " + status.ToString(CultureInfo.InvariantCulture) + ".", slug.Replace('-', '_'));
    }

    private static string? Detail(int status, HttpContext http) => status switch
    {
        StatusCodes.Status404NotFound => "No endpoint matches this path.",
        // The method is a token Kestrel has checked: safe to echo.
        StatusCodes.Status405MethodNotAllowed => $"This path does not take {http.Request.Method}; the Allow header lists the methods it does.",
        StatusCodes.Status413PayloadTooLarge => http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } max
            ? $"The body is larger than the hub accepts ({max.ToString(CultureInfo.InvariantCulture)} bytes)."
            : "The body is larger than the hub accepts.",
        StatusCodes.Status415UnsupportedMediaType => "The body must be JSON, sent with Content-Type: application/json.",
        _ => null,
    };

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotAlphanumeric();
}
