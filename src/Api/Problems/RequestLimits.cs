using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SmtpProbeHub.Api.Problems;

/// <summary>
/// The hub's limits on the request target and headers, answered with its problem (414 uri_too_long, 431
/// headers_too_large). Kestrel checks its own limits while it parses, before any of the hub's code runs, and answers
/// with the status and an empty body: it has no hook for the body. So Kestrel's limits are raised to twice these, as a
/// backstop against memory use, and the hub checks these, Kestrel's former defaults, first thing in the pipeline. A
/// request past the backstop (a request line over 16 KiB, headers over 64 KiB or 200 lines) still gets Kestrel's
/// bodiless answer; so does one Kestrel cannot parse at all (a NUL, %00, or a control character in the path: 400).
/// </summary>
internal static class RequestLimits
{
    /// <summary>Path and query as sent, in bytes.</summary>
    public const int MaxTargetBytes = 8 * 1024;

    /// <summary>All header lines ("Name: value" and CRLF), in bytes.</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    public const int MaxHeaderCount = 100;

    public static void ConfigureKestrel(KestrelServerOptions kestrel)
    {
        kestrel.Limits.MaxRequestLineSize = 2 * MaxTargetBytes;
        kestrel.Limits.MaxRequestHeadersTotalSize = 2 * MaxHeaderBytes;
        kestrel.Limits.MaxRequestHeaderCount = 2 * MaxHeaderCount;
    }

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!ProblemServiceCollectionExtensions.IsGrpc(context) && Exceeded(context) is { } problem)
        {
            await problem.ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    private static IResult? Exceeded(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString;
        if (target.Length > MaxTargetBytes)
        {
            return Problem.ForStatus(StatusCodes.Status414UriTooLong,
                $"The path and query are {target.Length.ToString(CultureInfo.InvariantCulture)} bytes; the hub accepts at most {MaxTargetBytes.ToString(CultureInfo.InvariantCulture)}.");
        }

        var (count, bytes) = (0, 0L);
        foreach (var (name, values) in context.Request.Headers)
        {
            foreach (var value in values)
            {
                count++;
                bytes += name.Length + 2 + (value?.Length ?? 0) + 2;
            }
        }

        return count > MaxHeaderCount || bytes > MaxHeaderBytes
            ? Problem.ForStatus(StatusCodes.Status431RequestHeaderFieldsTooLarge,
                $"The request has {count.ToString(CultureInfo.InvariantCulture)} header lines, {bytes.ToString(CultureInfo.InvariantCulture)} bytes; the hub accepts at most {MaxHeaderCount.ToString(CultureInfo.InvariantCulture)} lines and {MaxHeaderBytes.ToString(CultureInfo.InvariantCulture)} bytes.")
            : null;
    }
}
