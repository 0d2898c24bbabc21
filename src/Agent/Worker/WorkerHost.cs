using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SmtpProbeHub.Agent.Worker;

/// <summary>
/// The worker mode's host: appsettings.json, environment (<c>Agent__HubUrl</c>, <c>Agent__Labels__zone</c>)
/// and command line (<c>--Agent:HubUrl=…</c>), in that order of precedence, last wins.
/// </summary>
internal static class WorkerHost
{
    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Under systemd (Type=notify) report readiness and stopping; a no-op anywhere else.
        builder.Services.AddSystemd();
        builder.Services.AddAgentWorker();
        // The worker says in its own words why a connection failed; the gRPC client's per-call lines only repeat it.
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        return builder;
    }
}
