using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Agents.Remote;
using SmtpProbeHub.Api.Cluster;
using SmtpProbeHub.Api.Monitors;
using SmtpProbeHub.Api.Operations;
using SmtpProbeHub.Api.Probes;
using SmtpProbeHub.Api.Problems;
using SmtpProbeHub.Api.ResultsPage;
using SmtpProbeHub.Api.Returns;
using SmtpProbeHub.Api.Security;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Api.Swagger;

var builder = WebApplication.CreateBuilder(args).AddShippedDefaults();
if (StorageServiceCollectionExtensions.UsabilityProblem(builder.Configuration, builder.Environment) is { } storageProblem)
{
    // One line and exit code 2, like the agent's configuration errors: not a stack trace from deep in start-up.
    await Console.Error.WriteLineAsync(storageProblem);
    return 2;
}

builder.AddAgentHub();
builder.Services
    .AddApiConventions()
    .AddStorageServices(builder.Configuration, builder.Environment)
    .AddClusterServices(builder.Configuration)
    .AddReturnsServices()
    .AddAgentServices()
    .AddSecurityServices()
    .AddOperationsServices()
    .AddMonitorServices()
    .AddSwaggerServices();

var app = builder.Build();
app.UseForwardedClients();
app.UseProblemResponses();
app.UseEndpointSeparation();
app.UseAccessControl();
app.UseSwaggerApi();
app.MapOperationsApi();
app.MapProbesApi();
app.MapAgentsApi();
app.MapMonitorsApi();
app.MapResultsPage();
app.MapAgentHub();
await app.RunAsync();
return 0;

/// <summary>The hub's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
