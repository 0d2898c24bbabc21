using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;
using SmtpProbeHub.Api.Security;

namespace SmtpProbeHub.Api.ResultsPage;

/// <summary>
/// The results page for people: <c>/</c> and its scripts and styles under <c>/ui/</c>. The files are embedded in the
/// hub's assembly (Assets/), so the page is there whatever the working directory or content root, from
/// <c>dotnet run</c> and from a published binary alike, and nothing is fetched from anywhere else. The page follows
/// Swagger UI's rule (loopback only until API keys are configured); the data it shows comes from the REST API, which
/// asks for the key.
/// </summary>
internal static class ResultsPageEndpoints
{
    public const string AssetPrefix = "/ui/";
    private const string ResourcePrefix = "ResultsPage/";

    // The page sets no inline script or style and loads nothing from elsewhere, so the browser may refuse anything
    // else: a transcript line that somehow became markup still could not run.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapResultsPage(this IEndpointRouteBuilder app)
    {
        foreach (var asset in Load())
        {
            var path = asset.Name == "index.html" ? "/" : AssetPrefix + asset.Name;
            app.MapGet(path, (HttpContext http) => Serve(http, asset))
                .ExcludeFromDescription()
                .RequireAuthorization(AccessPolicies.LoopbackWithoutKeys);
        }

        return app;
    }

    private static IResult Serve(HttpContext http, Asset asset)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidate every time: a new hub version's page is never mixed with an old cached script.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        return http.Request.Headers.IfNoneMatch.Contains(asset.ETag)
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(asset.Content, asset.ContentType);
    }

    private static List<Asset> Load()
    {
        var assembly = typeof(ResultsPageEndpoints).Assembly;
        var assets = new List<Asset>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var name = resource[ResourcePrefix.Length..].Replace('\\', '/');
            assets.Add(new Asset(name, content, ContentTypeOf(name), new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"").ToString()));
        }

        return assets;
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };

    private sealed record Asset(string Name, byte[] Content, string ContentType, string ETag);
}
