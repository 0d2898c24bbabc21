using System.Diagnostics;

namespace SmtpProbeHub.TestSupport.Netns;

/// <summary>
/// Removes namespaces completely: a namespace whose name is deleted lives on while a process still runs in it,
/// so every process in it is killed first.
/// </summary>
internal static class NamespaceTeardown
{
    public static async Task RemoveAsync(IEnumerable<string> namespaces)
    {
        var errors = new List<Exception>();
        var existing = await IpCommand.ListNamespacesAsync();
        foreach (var ns in namespaces.Where(existing.Contains))
        {
            try
            {
                await KillAllInAsync(ns);
                await IpCommand.RunAsync("netns", "delete", ns);
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }

        if (errors.Count > 0)
        {
            throw new AggregateException("Removing test network namespaces failed.", errors);
        }
    }

    public static async Task KillAllInAsync(string ns)
    {
        for (var round = 0; round < 20; round++)
        {
            var pids = await IpCommand.PidsAsync(ns);
            if (pids.Count == 0)
            {
                return;
            }

            foreach (var pid in pids)
            {
                try
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill(entireProcessTree: false);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Already gone.
                }
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"Processes in namespace {ns} survived being killed: {string.Join(", ", await IpCommand.PidsAsync(ns))}");
    }
}
