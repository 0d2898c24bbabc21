using SmtpProbeHub.Api.AgentHub;
using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Operations;
using SmtpProbeHub.Api.Probes;
using SmtpProbeHub.Api.Problems;
using SmtpProbeHub.Api.Security;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Api.Swagger;

var builder = WebApplication.CreateBuilder(args).AddShippedDefaults();
builder.AddAgentHub();
builder.Services
    .AddApiConventions()
    .AddStorageServices(builder.Configuration, builder.Environment)
    .AddAgentServices()
    .AddSecurityServices()
    .AddOperationsServices()
    .AddSwaggerServices();

var app = builder.Build();
app.UseProblemResponses();
app.UseEndpointSeparation();
app.UseMiddleware<ApiKeyMiddleware>();
app.UseRateLimiter();
app.UseSwaggerApi();
app.MapOperationsApi();
app.MapProbesApi();
app.MapAgentsApi();
app.MapAgentHub();
app.Run();

/// <summary>The hub's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
