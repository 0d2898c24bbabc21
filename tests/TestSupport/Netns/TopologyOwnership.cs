namespace SmtpProbeHub.TestSupport.Netns;

/// <summary>
/// Who owns a topology's namespaces: the process holding an exclusive lock on <c>/run/smtpprobehub-netns/{id}.lock</c>.
/// The lock dies with its process, so namespaces whose lock can be taken are leftovers of a crashed run and are
/// swept; those of a live parallel run are left alone.
/// </summary>
internal sealed class TopologyOwnership : IDisposable
{
    private const string Root = "/run/smtpprobehub-netns";
    private readonly FileStream _lock;
    private readonly string _path;

    private TopologyOwnership(string path, FileStream fileLock)
    {
        _path = path;
        _lock = fileLock;
    }

    public static TopologyOwnership Claim(NamespaceNames names)
    {
        Directory.CreateDirectory(Root);
        var path = LockPath(names.Id);
        return new TopologyOwnership(path, new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None));
    }

    /// <summary>Removes every namespace of ours whose owner is gone.</summary>
    public static async Task SweepStaleAsync()
    {
        var stale = new List<string>();
        foreach (var ns in await IpCommand.ListNamespacesAsync())
        {
            if (NamespaceNames.IdOf(ns) is { } id && !IsHeld(id))
            {
                stale.Add(ns);
            }
        }

        await NamespaceTeardown.RemoveAsync(stale);
        foreach (var id in stale.Select(NamespaceNames.IdOf).Distinct())
        {
            File.Delete(LockPath(id!));
        }
    }

    public void Dispose()
    {
        _lock.Dispose();
        File.Delete(_path);
    }

    private static string LockPath(string id) => Path.Combine(Root, $"{id}.lock");

    private static bool IsHeld(string id)
    {
        try
        {
            using var probe = new FileStream(LockPath(id), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
