using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using SmtpProbeHub.Probe.Model;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SmtpProbeHub.Api.Monitors;

/// <summary>
/// Prefills "Try it out" on POST /api/v1/monitors with the KB 153119 test run every minute from the inside and the
/// outside agents, alerting a webhook: what "is mail from the internet still reaching us?" looks like as a monitor.
/// </summary>
internal sealed class MonitorExampleOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName != "CreateMonitor"
            || operation.RequestBody?.Content is not { } content
            || !content.TryGetValue("application/json", out var media)
            || media is not OpenApiMediaType json)
        {
            return;
        }

        json.Example = new JsonObject
        {
            ["name"] = "corp-mx",
            ["probe"] = new JsonObject
            {
                ["from"] = ProbeDefaults.From,
                ["to"] = new JsonArray("alice@corp.test"),
                ["helo"] = ProbeDefaults.Helo,
                ["quitAfter"] = "rcpt",
                ["agents"] = new JsonObject { ["all"] = true },
            },
            ["schedule"] = new JsonObject { ["every"] = "1m" },
            ["alerts"] = new JsonObject { ["failuresToAlert"] = 2, ["passesToRecover"] = 1, ["certExpiryDays"] = 14, ["slowStepMs"] = 5000 },
            ["notify"] = new JsonObject
            {
                ["webhooks"] = new JsonArray(new JsonObject { ["url"] = "https://alerts.corp.example/smtpprobehub", ["secret"] = "change-me-to-a-long-random-secret" }),
            },
        };
    }
}
