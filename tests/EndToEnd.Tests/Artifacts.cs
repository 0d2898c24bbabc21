namespace SmtpProbeHub.EndToEnd.Tests;

/// <summary>Files the tests leave for people to look at: <c>artifacts/</c> at the repository root (git-ignored).</summary>
internal static class Artifacts
{
    /// <summary>artifacts/<paramref name="name"/>, created when missing.</summary>
    public static string Folder(string name)
    {
        var root = AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SmtpProbeHub.sln")))
            {
                root = dir.FullName;
                break;
            }
        }

        var folder = Path.Combine(root, "artifacts", name);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
