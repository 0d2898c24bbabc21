using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using SmtpProbeHub.Api.Probes;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SmtpProbeHub.Api.Swagger;

/// <summary>
/// Swagger UI's response examples, so an admin reading the API sees what a probe really answers instead of examples
/// made from the schema ("server": "string", additionalProp1, status queued beside verdict passed). The probes are
/// real answers, recorded by the end-to-end scenarios (tests/EndToEnd.Tests/Scenarios, artifacts/scenarios/):
/// <c>probe-passed.json</c> is scenario a (inside and outside agents, everything open), <c>probe-failed-outside-timeout.json</c>
/// scenario b (inbound port 25 dropped: the outside agent times out at connect); the 202, the agents list and the
/// problems were answered by a hub started from this build. The list is those two probes as the list shows them.
/// ResponseExamplesTests checks that each still reads as the type it illustrates.
/// </summary>
internal sealed class ResponseExamples : IOperationFilter
{
    public const string Passed = "probe-passed";
    public const string FailedOutsideTimeout = "probe-failed-outside-timeout";
    public const string Accepted = "probe-accepted";
    public const string List = "probe-list";
    public const string Agents = "agents";
    public const string Problems = "problems";

    private static readonly Lazy<Dictionary<string, JsonNode>> Files = new(Load);

    // The contract's JSON options (as the hub reads and writes), for reading an example back as the type it shows.
    private static readonly Lazy<JsonSerializerOptions> ProbeJsonOptions = new(() =>
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Probe.Serialization.ProbeJson.Configure(options);
        return options;
    });

    private static readonly Example[] PassedAndFailed =
    [
        new("passed", Passed, "Passed from inside and from outside (agents.all, everything open)"),
        new("failedOutsideTimeout", FailedOutsideTimeout, "Failed from outside: connect timeout, inbound port 25 dropped; the comparison names it"),
    ];

    // The problems each status is illustrated with; CreateProbe answers two kinds of 400 and of 422.
    private static readonly Dictionary<int, string[]> ProblemsByStatus = new()
    {
        [400] = ["validation_failed"],
        [401] = ["unauthorized"],
        [403] = ["loopback_only"],
        [404] = ["not_found"],
        [422] = ["no_agents_matched"],
        [429] = ["rate_limited"],
        [503] = ["storage_unavailable"],
    };

    /// <summary>An example file as JSON (its name without .json).</summary>
    public static JsonNode File(string name) => Files.Value[name].DeepClone();

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var name = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
        switch (name)
        {
            case "CreateProbe":
                SetExamples(operation, "200", "application/json", PassedAndFailed);
                SetExamples(operation, "202", "application/json", [new("accepted", Accepted, "Without ?wait (or not finished in time): follow Location or /events")]);
                break;
            case "GetProbe" or "CancelProbe":
                SetExamples(operation, "200", "application/json", PassedAndFailed);
                break;
            case "ListProbes":
                SetExamples(operation, "200", "application/json", [new("twoProbes", List, "The two example probes as the list shows them (no steps or transcripts)")]);
                break;
            case "ListAgents":
                SetExamples(operation, "200", "application/json", [new("builtInAgent", Agents, "A hub with only its built-in agent")]);
                break;
            case "GetProbeTranscript":
                var transcript = PlainTranscript.Of(File(FailedOutsideTimeout).Deserialize<ProbeView>(ProbeJsonOptions.Value)!);
                SetExample(operation, "200", "text/plain", JsonValue.Create(transcript));
                break;
        }

        foreach (var (status, problems) in ProblemsByStatus)
        {
            var chosen = (name, status) switch
            {
                ("CreateProbe", 400) => ["validation_failed", "invalid_json"],
                ("ListProbes", 400) => ["invalid_query"],
                ("CreateProbe", 422) => ["no_agents_matched", "target_not_allowed"],
                // Revoking answers 422 only for the built-in agent; the message says so without an example.
                ("RevokeAgent", 422) => [],
                _ => problems,
            };
            SetExamples(operation, status.ToString(System.Globalization.CultureInfo.InvariantCulture), "application/problem+json",
                [.. chosen.Select(code => new Example(code, Problems, code, code))]);
        }
    }

    private static void SetExample(OpenApiOperation operation, string status, string contentType, JsonNode example)
    {
        if (MediaType(operation, status, contentType) is { } media)
        {
            media.Example = example;
        }
    }

    private static void SetExamples(OpenApiOperation operation, string status, string contentType, Example[] examples)
    {
        if (examples.Length == 0 || MediaType(operation, status, contentType) is not { } media)
        {
            return;
        }

        media.Examples = examples.ToDictionary(e => e.Name, e => (IOpenApiExample)new OpenApiExample
        {
            Summary = e.Summary,
            Value = e.Key is { } key ? File(e.File)[key]!.DeepClone() : File(e.File),
        });
    }

    private static OpenApiMediaType? MediaType(OpenApiOperation operation, string status, string contentType) =>
        operation.Responses?.TryGetValue(status, out var response) == true && response.Content?.TryGetValue(contentType, out var media) == true
            ? media as OpenApiMediaType
            : null;

    private static Dictionary<string, JsonNode> Load()
    {
        var assembly = typeof(ResponseExamples).Assembly;
        const string prefix = "SwaggerExamples/";
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(
            n => Path.GetFileNameWithoutExtension(n[prefix.Length..]),
            n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                return JsonNode.Parse(stream)!;
            });
    }

    /// <summary>An example: its name in the document, the file it is in (and its key there, for the problems), a summary for people.</summary>
    private sealed record Example(string Name, string File, string Summary, string? Key = null);
}
