using SmtpProbeHub.TestSupport.Peers;

namespace SmtpProbeHub.EndToEnd.Tests.Faults;

/// <summary>
/// A tmpfs of the test's own, mounted on a temporary directory: a disk that fills up (a few MB) or is read-only, as a
/// real file system makes them (root only; the test command runs as root). Unmounted on dispose.
/// </summary>
internal sealed class SmallDisk : IAsyncDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public static async Task<SmallDisk> MountAsync(string options)
    {
        var path = Directory.CreateTempSubdirectory("e2e-disk-").FullName;
        await RunAsync("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", path]);
        return new SmallDisk(path);
    }

    /// <summary>Changes the mount's options (e.g. a larger size: the disk is no longer full).</summary>
    public Task RemountAsync(string options) => RunAsync("/bin/mount", ["-o", $"remount,{options}", Path]);

    public async ValueTask DisposeAsync()
    {
        await ProcessRunner.RunAsync("/bin/umount", ["-l", Path], TimeSpan.FromSeconds(10));
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task RunAsync(string file, string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(file, arguments, TimeSpan.FromSeconds(10));
        Assert.True(result.ExitCode == 0, $"{file} {string.Join(' ', arguments)}: {result.Output}");
    }
}
