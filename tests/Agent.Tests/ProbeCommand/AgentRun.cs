using System.CommandLine;
using System.Text.RegularExpressions;

namespace SmtpProbeHub.Agent.Tests.ProbeCommand;

/// <summary>One in-process run of the agent's command line with captured output.</summary>
internal sealed partial record AgentRun(int ExitCode, string Output, string Error)
{
    /// <summary>
    /// Runs the command line. A <c>probe</c> that names no target policy of its own gets the tests' loopback peers allowed
    /// (<c>--allow-network 127.0.0.0/8 --allow-port 1-65535</c>), as an operator probing a local server would pass them.
    /// </summary>
    public static async Task<AgentRun> InvokeAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        if (args is ["probe", ..] && !args.Contains("--allow-network") && !args.Contains("--allow-port"))
        {
            args = [.. args, "--allow-network", "127.0.0.0/8", "--allow-port", "1-65535"];
        }

        var output = new StringWriter();
        var error = new StringWriter();
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        var exitCode = await AgentCommandLine.InvokeAsync(
            args, configuration, environment: name => environment?.GetValueOrDefault(name), cancellationToken: TestContext.Current.CancellationToken);
        return new AgentRun(exitCode, output.ToString(), error.ToString());
    }

    public static Task<AgentRun> InvokeAsync(params string[] args) => InvokeAsync(null, args);

    /// <summary>The step lines of the summary: (name, outcome, reply code or "-").</summary>
    public IReadOnlyList<(string Name, string Outcome, string Code)> Steps =>
        Output.Split('\n').SkipWhile(l => !l.StartsWith("Steps:", StringComparison.Ordinal)).Skip(1)
            .Select(l => StepLine().Match(l)).TakeWhile(m => m.Success)
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value)).ToList();

    /// <summary>The final line of each reply received, in order, as the transcript shows it.</summary>
    public IReadOnlyList<int> ReplyCodes =>
        Output.Split('\n').Select(l => ReceivedFinalLine().Match(l)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    public string All => Output + Error;

    [GeneratedRegex(@"^  (\w+)\s+(\w+)\s+(\d{3}|-)\s")]
    private static partial Regex StepLine();

    [GeneratedRegex(@"^\s*\d+\.\d ms < (\d{3}) ")]
    private static partial Regex ReceivedFinalLine();
}
