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
        if (args.Length == 0)
        {
            // A container starts the agent without arguments: that means the worker.
            args = ["run"];
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

        return await parse.InvokeAsync(configuration, cancellationToken);
    }
}
