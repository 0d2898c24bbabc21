using System.Net;
using System.Text.Json;

namespace SmtpProbeHub.Api.Tests.Support;

internal static class ProblemAssert
{
    public const string TypeBase = "https://smtpprobehub.dev/problems/";

    /// <summary>
    /// The hub's problem shape: application/problem+json with the status, a type under the hub's base named like the
    /// code ("not_found" → ".../not-found"), a title and the code. Returns the body for further checks.
    /// </summary>
    public static async Task<JsonElement> IsProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"expected application/problem+json, got '{response.Content.Headers.ContentType}': {text}");
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(TypeBase + TypeName(code), problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()), text);
        return problem;
    }

    /// <summary>The type's last segment for a code; the two that differ were named before the codes were.</summary>
    private static string TypeName(string code) => code switch
    {
        "validation_failed" => "validation",
        "internal_error" => "internal",
        _ => code.Replace('_', '-'),
    };
}
