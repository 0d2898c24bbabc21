using System.Diagnostics;
using System.Text;

namespace SmtpProbeHub.TestSupport.Peers;

/// <summary>Output of a finished helper command.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Output">Standard output and standard error, interleaved as they came.</param>
public sealed record ProcessOutcome(int ExitCode, string Output);

/// <summary>Runs the short-lived commands the test peers need (postconf, postfix start/stop).</summary>
public static class ProcessRunner
{
    /// <summary>Runs <paramref name="fileName"/> to completion; kills it when it outlives <paramref name="timeout"/>.</summary>
    public static async Task<ProcessOutcome> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            lock (output)
            {
                output.AppendLine($"(killed after {timeout.TotalSeconds:0} s)");
            }

            return new ProcessOutcome(-1, Snapshot(output));
        }

        // WaitForExitAsync returns after the redirected streams reached EOF, so the output is complete.
        return new ProcessOutcome(process.ExitCode, Snapshot(output));
    }

    /// <summary>Runs a command and throws with its output when it fails.</summary>
    public static async Task<string> RunCheckedAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var args = arguments.ToList();
        var outcome = await RunAsync(fileName, args, timeout);
        if (outcome.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"`{fileName} {string.Join(' ', args)}` exited with {outcome.ExitCode}:{Environment.NewLine}{outcome.Output}");
        }

        return outcome.Output;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
