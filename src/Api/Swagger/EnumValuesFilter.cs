using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Probe.Model;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SmtpProbeHub.Api.Swagger;

/// <summary>
/// Lists the allowed values of the fields that are enums in meaning but strings in code, as enum-typed fields already
/// do: the list's <c>status</c> and <c>verdict</c> filters (strings, so a wrong value gets the hub's 400 naming the
/// allowed values rather than the framework's binding error) and an agent's <c>status</c>.
/// </summary>
internal sealed class EnumValuesFilter : IOperationFilter, ISchemaFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            var values = parameter.Name switch
            {
                "status" when parameter.In == ParameterLocation.Query => Names<ProbeStatus>(),
                "verdict" when parameter.In == ParameterLocation.Query => Names<Verdict>(),
                _ => null,
            };
            if (values is not null && parameter.Schema is OpenApiSchema schema)
            {
                schema.Enum = values;
            }
        }
    }

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (context.Type == typeof(AgentStatusView) && schema.Properties?.TryGetValue("status", out var status) == true && status is OpenApiSchema property)
        {
            property.Enum = [JsonValue.Create("online"), JsonValue.Create("offline")];
        }
    }

    private static List<JsonNode> Names<T>() where T : struct, Enum =>
        [.. Enum.GetNames<T>().Select(n => (JsonNode)JsonValue.Create(JsonNamingPolicy.CamelCase.ConvertName(n)))];
}
