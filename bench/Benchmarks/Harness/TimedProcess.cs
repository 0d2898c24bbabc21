using System.Diagnostics;
using SmtpProbeHub.TestSupport.Peers;

namespace SmtpProbeHub.Benchmarks.Harness;

/// <summary>Runs a short-lived command (swaks, the agent's probe) and times it from start to exit.</summary>
internal static class TimedProcess
{
    public static async Task<double> RunAsync(string fileName, IReadOnlyList<string> arguments, int expectedExitCode = 0)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = await ProcessRunner.RunAsync(fileName, arguments, TimeSpan.FromSeconds(60));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return outcome.ExitCode == expectedExitCode
            ? elapsed
            : throw new InvalidOperationException($"{Path.GetFileName(fileName)} exited {outcome.ExitCode}: {outcome.Output}");
    }
}
