using System.Net.ServerSentEvents;
using Microsoft.OpenApi;
using SmtpProbeHub.Api.Security;

namespace SmtpProbeHub.Api.Swagger;

internal static class SwaggerServiceCollectionExtensions
{
    public const string SchemeId = "ApiKey";

    public static IServiceCollection AddSwaggerServices(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "SmtpProbeHub API",
                Version = "v1",
                Description = "Runs the SMTP test of Microsoft KB 153119 (EHLO, MAIL FROM, RCPT TO, DATA, \".\", QUIT) from agents inside and outside your network, and returns every step, the transcript, a verdict and a diagnosis.",
            });
            foreach (var assembly in new[] { typeof(Program).Assembly, typeof(Probe.IProbeRunner).Assembly })
            {
                var xml = Path.Combine(AppContext.BaseDirectory, assembly.GetName().Name + ".xml");
                if (File.Exists(xml))
                {
                    swagger.IncludeXmlComments(xml, includeControllerXmlComments: true);
                }
            }

            swagger.AddSecurityDefinition(SchemeId, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeys.Header,
                Description = "The hub's API key (Hub:ApiKeys). Not needed from loopback when the hub has no key configured.",
            });
            swagger.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(SchemeId, document)] = [],
            });
            // The events endpoint's typed result names SseItem<object>: its body is the event-stream text, not that record as JSON.
            swagger.MapType<SseItem<object>>(() => new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "Server-Sent Events: 'run', 'step', 'transcript' and a final 'end' event, each with an id (for Last-Event-ID) and JSON data.",
            });
            swagger.OperationFilter<KbExampleOperationFilter>();
            swagger.OperationFilter<Monitors.MonitorExampleOperationFilter>();
            swagger.OperationFilter<ResponseExamples>();
            swagger.OperationFilter<EnumValuesFilter>();
            swagger.SchemaFilter<EnumValuesFilter>();
            swagger.SupportNonNullableReferenceTypes();
        });
        return services;
    }

    public static WebApplication UseSwaggerApi(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(ui =>
        {
            ui.SwaggerEndpoint("/swagger/v1/swagger.json", "SmtpProbeHub API v1");
            ui.DocumentTitle = "SmtpProbeHub API";
            ui.EnablePersistAuthorization();
        });
        return app;
    }
}
