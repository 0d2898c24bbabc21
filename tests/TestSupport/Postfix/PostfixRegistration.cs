using SmtpProbeHub.TestSupport.Peers;

namespace SmtpProbeHub.TestSupport.Postfix;

/// <summary>
/// Lists every slot's config directory in /etc/postfix/main.cf's <c>alternate_config_directories</c>, once per
/// machine (testbed-facts.md: Postfix refuses an unlisted <c>-c DIR</c> and only logs why). Entries already
/// there are kept. Test assemblies running at once serialise on a lock file so they never edit main.cf together.
/// </summary>
internal static class PostfixRegistration
{
    private const string Parameter = "alternate_config_directories";

    public static async Task EnsureAsync()
    {
        using var registrationLock = await AcquireAsync(Path.Combine(PostfixSlot.Root, "registration.lock"));
        var current = (await ProcessRunner.RunCheckedAsync(PostfixInstance.PostconfPath, ["-h", Parameter], TimeSpan.FromSeconds(30))).Trim();
        var listed = current.Split([' ', ',', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).ToList();
        var missing = Enumerable.Range(0, PostfixSlot.Count)
            .Select(PostfixSlot.ConfigDirectoryOf)
            .Where(dir => !listed.Contains(dir, StringComparer.Ordinal))
            .ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var value = string.Join(' ', listed.Concat(missing));
        await ProcessRunner.RunCheckedAsync(PostfixInstance.PostconfPath, ["-e", $"{Parameter} = {value}"], TimeSpan.FromSeconds(30));
    }

    private static async Task<FileStream> AcquireAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
