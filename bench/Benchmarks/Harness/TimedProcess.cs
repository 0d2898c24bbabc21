using System.Diagnostics;

namespace SmtpProbeHub.Benchmarks.Harness;

/// <summary>Runs a short-lived command (swaks, the agent's probe) and times it from start to exit.</summary>
internal static class TimedProcess
{
    public static async Task<double> RunAsync(string fileName, IReadOnlyList<string> arguments, int expectedExitCode = 0)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (process.ExitCode != expectedExitCode)
        {
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} exited {process.ExitCode}: {await error}{await output}");
        }

        return elapsed;
    }
}
