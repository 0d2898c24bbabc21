namespace SmtpProbeHub.EndToEnd.Tests.Scenarios;

/// <summary>
/// The built hub and agent (the project references in EndToEnd.Tests.csproj build them first), in the same
/// configuration as this test assembly, started as real processes with <c>dotnet</c>.
/// </summary>
internal static class BuiltApps
{
    /// <summary>The dotnet host running the tests (set by the test runner), else the one on PATH.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static string Hub => Find("Api", "SmtpProbeHub.Api.dll");

    public static string Agent => Find("Agent", "SmtpProbeHub.Agent.dll");

    private static string Find(string project, string dll)
    {
        // tests/EndToEnd.Tests/bin/<Configuration>/net10.0 → src/<project>/bin/<Configuration>/net10.0
        var testOutput = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var framework = Path.GetFileName(testOutput);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testOutput)!);
        var root = RepositoryRoot();
        var path = Path.Combine(root, "src", project, "bin", configuration, framework, dll);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} not found: build the solution ({configuration}) before running the end-to-end tests.");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SmtpProbeHub.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"SmtpProbeHub.sln not found above {AppContext.BaseDirectory}.");
    }
}
