using System.CommandLine;
using SmtpProbeHub.Agent.ProbeCommand;
using SmtpProbeHub.Agent.Worker;
using SmtpProbeHub.Probe;

namespace SmtpProbeHub.Agent;

/// <summary>The agent's command line: <c>run</c> (the worker that dials the hub; the default) and <c>probe</c> (one local run).</summary>
internal static class AgentCommandLine
{
    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand CreateRoot(Func<ProbeEngineOptions, IProbeRunner>? createRunner = null, Func<string, string?>? environment = null)
    {
        var root = new RootCommand("SmtpProbeHub agent: runs SMTP probes (KB 153119) from where it is placed");
        root.Add(RunCommandFactory.Create());
        root.Add(ProbeCommandFactory.Create(createRunner ?? (o => new ProbeRunner(o)), environment ?? Environment.GetEnvironmentVariable));
        return root;
    }

    /// <summary>Parses and runs; a command line that does not parse exits with 2 (invalid input), having sent nothing.</summary>
    public static async Task<int> InvokeAsync(
        string[] args, InvocationConfiguration? configuration = null, Func<ProbeEngineOptions, IProbeRunner>? createRunner = null,
        Func<string, string?>? environment = null, CancellationToken cancellationToken = default)
    {
        configuration ??= new InvocationConfiguration();
        if (args.Length == 0 || IsConfigurationOnly(args[0]))
        {
            // No subcommand means the worker: a container or a unit starts it with no arguments, or with
            // configuration only (--Agent:HubUrl=…).
            args = ["run", .. args];
        }

        var parse = CreateRoot(createRunner, environment).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await configuration.Error.WriteLineAsync(error.Message);
            }

            return ExitCodes.InvalidInput;
        }

        if (parse.CommandResult.Command.Name == "run")
        {
            // The worker's host handles SIGTERM itself and drains runs in flight (Agent:DrainSeconds);
            // System.CommandLine's own handler would end the process after its 2 s timeout, mid-drain.
            configuration.ProcessTerminationTimeout = null;
        }

        return await parse.InvokeAsync(configuration, cancellationToken);
    }

    private static bool IsConfigurationOnly(string first) =>
        first.StartsWith("--Agent:", StringComparison.OrdinalIgnoreCase) || first.StartsWith("/Agent:", StringComparison.OrdinalIgnoreCase);
}
