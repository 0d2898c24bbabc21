using SmtpProbeHub.TestSupport.Peers;

namespace SmtpProbeHub.TestSupport.Netns;

/// <summary>Runs <c>ip</c> and <c>nft</c>; every namespaced command goes through <c>ip -n NS</c> or <c>ip netns exec NS</c>.</summary>
internal static class IpCommand
{
    internal const string Ip = "/usr/sbin/ip";
    internal const string Nft = "/usr/sbin/nft";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static Task<string> RunAsync(params string[] arguments) => ProcessRunner.RunCheckedAsync(Ip, arguments, Timeout);

    public static Task<string> InAsync(string ns, params string[] arguments) => RunAsync(["-n", ns, .. arguments]);

    public static Task<string> ExecAsync(string ns, string file, params string[] arguments) =>
        RunAsync(["netns", "exec", ns, file, .. arguments]);

    public static Task<ProcessOutcome> TryExecAsync(string ns, TimeSpan timeout, string file, params string[] arguments) =>
        ProcessRunner.RunAsync(Ip, ["netns", "exec", ns, file, .. arguments], timeout);

    public static async Task<IReadOnlyList<string>> ListNamespacesAsync()
    {
        var output = await RunAsync("netns", "list");
        // Lines look like "name" or "name (id: 3)".
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split(' ')[0])];
    }

    public static async Task<IReadOnlyList<int>> PidsAsync(string ns)
    {
        var outcome = await ProcessRunner.RunAsync(Ip, ["netns", "pids", ns], Timeout);
        return outcome.ExitCode != 0
            ? []
            : [.. outcome.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse)];
    }
}
