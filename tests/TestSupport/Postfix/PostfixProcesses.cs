using System.Diagnostics;

namespace SmtpProbeHub.TestSupport.Postfix;

/// <summary>
/// Finds the processes of one instance precisely: Postfix passes the <c>MAIL_CONFIG</c> environment variable
/// (the <c>-c</c> directory) from <c>postfix</c> to master and from master to every daemon it starts.
/// </summary>
internal static class PostfixProcesses
{
    public static IReadOnlyList<int> Find(string configDirectory)
    {
        var marker = $"MAIL_CONFIG={configDirectory}\0";
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var environ = File.ReadAllText(Path.Combine(dir, "environ"));
                if (environ.StartsWith(marker, StringComparison.Ordinal) || environ.Contains("\0" + marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended meanwhile, or is not ours to read.
            }
        }

        return found;
    }

    public static void KillAll(string configDirectory)
    {
        foreach (var pid in Find(configDirectory))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                process.WaitForExit(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }
}
