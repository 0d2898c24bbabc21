using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace SmtpProbeHub.Api.Operations;

internal static class ShippedDefaults
{
    /// <summary>
    /// The appsettings.json shipped beside the hub's binary, as the lowest configuration layer. ASP.NET reads
    /// appsettings.json from the working directory only, so a hub started from elsewhere (a systemd unit
    /// without WorkingDirectory, a script) silently lost its defaults: every EF command and request logged at
    /// Information, 13 console lines per probe. The working directory's file, the environment and the command
    /// line still override it.
    /// </summary>
    public static WebApplicationBuilder AddShippedDefaults(this WebApplicationBuilder builder)
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        var local = Path.Combine(builder.Environment.ContentRootPath, "appsettings.json");
        if (File.Exists(shipped) && !string.Equals(Path.GetFullPath(shipped), Path.GetFullPath(local), StringComparison.Ordinal))
        {
            IConfigurationBuilder configuration = builder.Configuration;
            configuration.Sources.Insert(0, new JsonConfigurationSource
            {
                FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
                Path = "appsettings.json",
                Optional = true,
            });
        }

        return builder;
    }
}
