using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using SmtpProbeHub.Probe.Model;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SmtpProbeHub.Api.Swagger;

/// <summary>Prefills "Try it out" on POST /api/v1/probes with the KB 153119 example, so Execute runs the KB test.</summary>
internal sealed class KbExampleOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName != "CreateProbe"
            || operation.RequestBody?.Content is not { } content
            || !content.TryGetValue("application/json", out var media)
            || media is not OpenApiMediaType json)
        {
            return;
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
