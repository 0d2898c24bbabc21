using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using SmtpProbeHub.Probe.Model;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SmtpProbeHub.Api.Swagger;

/// <summary>
/// Prefills "Try it out" on POST /api/v1/probes with the KB 153119 example and <c>wait=30</c>, so Execute runs the KB
/// test and answers with the finished probe (its steps, transcript and verdict) instead of a 202 with nothing in it yet.
/// </summary>
internal sealed class KbExampleOperationFilter : IOperationFilter
{
    /// <summary>Long enough for the KB sequence against a reachable server, and for a connect timeout (10 s) to show.</summary>
    public const int KbWaitSeconds = 30;

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName != "CreateProbe"
            || operation.RequestBody?.Content is not { } content
            || !content.TryGetValue("application/json", out var media)
            || media is not OpenApiMediaType json)
        {
            return;
        }

        if (operation.Parameters?.FirstOrDefault(p => p.Name == "wait") is OpenApiParameter wait)
        {
            wait.Example = JsonValue.Create(KbWaitSeconds);
        }

        json.Example = new JsonObject
        {
            ["from"] = ProbeDefaults.From,
            ["to"] = new JsonArray("alice@corp.test"),
            ["server"] = "127.0.0.1",
            ["helo"] = ProbeDefaults.Helo,
            ["message"] = new JsonObject { ["subject"] = ProbeDefaults.Subject, ["body"] = ProbeDefaults.Body },
        };
    }
}
