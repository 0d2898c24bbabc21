namespace SmtpProbeHub.EndToEnd.Tests.Agents.Processes;

/// <summary>The built agent as a real process (<c>smtpprobehub-agent run</c>), with its own data directory.</summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("e2e-agent-").FullName;

    private AgentProcess(string name, AppProcess process)
    {
        Name = name;
        Process = process;
    }

    public string Name { get; }

    public AppProcess Process { get; private set; }

    public string DataDirectory => dataDirectory;

    /// <summary>Starts <c>run --hub … --name … --label zone=…</c> with the token in the environment.</summary>
    public static AgentProcess Start(string hubUrl, string name, string zone, string token = HubProcess.Token, params string[] extraArguments)
    {
        var agent = new AgentProcess(name, null!);
        agent.Process = AppProcess.Start(BuiltApps.Agent,
        [
            "run", "--hub", hubUrl, "--name", name, "--label", $"zone={zone}", "--data-dir", agent.dataDirectory,
            "--capacity", "2", "--Agent:DrainSeconds=5",
            // The agent's own policy must allow the tests' loopback peers too: the hub's cannot widen it.
            "--Agent:Targets:AllowedPorts:0=1-65535", "--Agent:Targets:AllowedNetworks:0=127.0.0.0/8", .. extraArguments,
        ], new Dictionary<string, string> { ["Agent__Token"] = token });
        return agent;
    }

    public Task WaitConnectedAsync() => Process.WaitForLineAsync(l => l.Contains("Connected to hub"), 30);

    public int SpooledResults => Directory.Exists(Path.Combine(dataDirectory, "results"))
        ? Directory.GetFiles(Path.Combine(dataDirectory, "results"), "*.result").Length
        : 0;

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
