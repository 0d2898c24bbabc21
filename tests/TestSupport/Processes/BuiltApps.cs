using System.Reflection;

namespace SmtpProbeHub.TestSupport.Processes;

/// <summary>Where this repository is, and its built hub and agent (src/*/bin, the same configuration as the code asking).</summary>
public static class BuiltApps
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SmtpProbeHub.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"SmtpProbeHub.sln not found above {AppContext.BaseDirectory}");
    });

    public static string RepositoryRoot => Root.Value;

    public static string Hub => Dll("Api");

    public static string Agent => Dll("Agent");

    private static string Configuration =>
        typeof(BuiltApps).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    private static string Dll(string project)
    {
        var path = Path.Combine(Root.Value, "src", project, "bin", Configuration, "net10.0", $"SmtpProbeHub.{project}.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build src/{project} first ({Configuration})", path);
    }
}
