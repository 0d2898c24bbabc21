using System.CommandLine;
using SmtpProbeHub.Contracts;

namespace SmtpProbeHub.Agent.Worker;

/// <summary>
/// <c>smtpprobehub-agent run</c>: the worker that dials the hub. Its options are shortcuts for the
/// configuration keys (<c>--hub</c> = <c>Agent:HubUrl</c>, <c>--label zone=inside</c> = <c>Agent:Labels:zone</c>);
/// any <c>--Agent:Key=value</c> is passed to configuration as is. The token has no option on purpose:
/// a command line is visible to every local user (ps), so it comes from the environment or a file.
/// </summary>
internal static class RunCommandFactory
{
    public static Command Create()
    {
        var hub = new Option<string?>("--hub") { Description = "The hub's gRPC URL (Agent:HubUrl), e.g. https://hub.example:5081" };
        var name = new Option<string?>("--name") { Description = "The name shown in the hub's agent list (Agent:Name)" };
        var labels = new Option<string[]>("--label") { Description = "A selection label key=value, repeatable (Agent:Labels)", Arity = ArgumentArity.ZeroOrMore };
        var capacity = new Option<int?>("--capacity") { Description = "Most probes run at once (Agent:Capacity)" };
        var dataDirectory = new Option<string?>("--data-dir") { Description = "Where the agent id and unacknowledged results are kept (Agent:DataDirectory)" };
        var command = new Command("run", "Connect to the hub and run the probes it assigns (the default when no command is given)")
        {
            hub, name, labels, capacity, dataDirectory,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, _) =>
        {
            var args = new List<string>(parse.UnmatchedTokens);
            void Set(string key, object? value)
            {
                if (value is not null)
                {
                    args.Add($"--Agent:{key}={value}");
                }
            }

            Set("HubUrl", parse.GetValue(hub));
            Set("Name", parse.GetValue(name));
            Set("Capacity", parse.GetValue(capacity));
            Set("DataDirectory", parse.GetValue(dataDirectory));
            foreach (var text in parse.GetValue(labels) ?? [])
            {
                KeyValuePair<string, string> label;
                try
                {
                    label = AgentLabels.Parse(text);
                }
                catch (FormatException ex)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"--label: {ex.Message}");
                    return 2;
                }

                Set($"Labels:{label.Key}", label.Value);
            }

            return await RunAsync([.. args], parse.InvocationConfiguration.Error);
        });
        return command;
    }

    /// <summary>
    /// Runs the worker until SIGTERM/Ctrl+C. The host handles the signal itself (draining runs in flight),
    /// so the caller must not let System.CommandLine's own termination timeout cut the drain short.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter error)
    {
        try
        {
            using var host = WorkerHost.CreateBuilder(args).Build();
            await host.RunAsync();
            return 0;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            await error.WriteLineAsync($"Invalid agent configuration: {string.Join("; ", ex.Failures)}");
            return 2;
        }
    }
}
