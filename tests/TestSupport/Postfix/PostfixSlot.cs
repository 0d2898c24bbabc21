namespace SmtpProbeHub.TestSupport.Postfix;

/// <summary>
/// One of a fixed set of instance directories. Postfix only accepts a <c>-c DIR</c> that the default main.cf lists
/// in <c>alternate_config_directories</c>, so instead of editing /etc/postfix/main.cf for every instance we register
/// a fixed pool once and each instance holds one slot, exclusively, through an OS file lock for its lifetime.
/// The lock dies with the process, so a slot left by a killed test run is reclaimed (its processes killed, its
/// directories wiped) by the next instance that takes it.
/// </summary>
internal sealed class PostfixSlot : IDisposable
{
    internal const string Root = "/var/tmp/smtpprobehub-postfix";
    internal const int Count = 24;

    private readonly FileStream _lock;

    private PostfixSlot(int number, FileStream fileLock)
    {
        Number = number;
        _lock = fileLock;
    }

    public int Number { get; }

    public string Name => $"slot{Number:00}";

    public string Directory => Path.Combine(Root, Name);

    public string ConfigDirectory => ConfigDirectoryOf(Number);

    public string QueueDirectory => Path.Combine(Directory, "spool");

    public string DataDirectory => Path.Combine(Directory, "lib");

    public string LogFile => $"/var/log/smtpprobehub/postfix-{Name}.log";

    internal static string ConfigDirectoryOf(int number) => Path.Combine(Root, $"slot{number:00}", "etc");

    public static PostfixSlot Claim()
    {
        System.IO.Directory.CreateDirectory(Root);
        ReclaimAbandoned();
        // Start at a random slot so parallel test assemblies do not all race for slot 0.
        var start = Random.Shared.Next(Count);
        for (var i = 0; i < Count; i++)
        {
            var number = (start + i) % Count;
            var lockPath = Path.Combine(Root, $"slot{number:00}.lock");
            try
            {
                var fileLock = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return new PostfixSlot(number, fileLock);
            }
            catch (IOException)
            {
                // Held by a live instance.
            }
        }

        throw new InvalidOperationException($"All {Count} Postfix test slots under {Root} are in use by running tests.");
    }

    /// <summary>
    /// Cleans every slot that a killed test run left behind (directories, a Postfix still running), so leftovers
    /// never pile up. A slot whose lock we can take has no live owner.
    /// </summary>
    private static void ReclaimAbandoned()
    {
        for (var number = 0; number < Count; number++)
        {
            if (!System.IO.Directory.Exists(Path.Combine(Root, $"slot{number:00}")))
            {
                continue;
            }

            try
            {
                using var slot = new PostfixSlot(number, new FileStream(Path.Combine(Root, $"slot{number:00}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
                PostfixProcesses.KillAll(slot.ConfigDirectory);
                slot.Wipe();
            }
            catch (IOException)
            {
                // Owned by a live instance.
            }
        }
    }

    /// <summary>Kills whatever a previous owner left running and gives the slot empty directories.</summary>
    public void Reset()
    {
        PostfixProcesses.KillAll(ConfigDirectory);
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        System.IO.Directory.CreateDirectory(ConfigDirectory);
        System.IO.Directory.CreateDirectory(QueueDirectory);
        System.IO.Directory.CreateDirectory(DataDirectory);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(LogFile)!);
        File.Delete(LogFile);
    }

    /// <summary>Removes the slot's directories (the log stays for a look after a failed run).</summary>
    public void Wipe()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    public void Dispose() => _lock.Dispose();
}
