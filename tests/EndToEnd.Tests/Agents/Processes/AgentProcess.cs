using SmtpProbeHub.TestSupport.Processes;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.EndToEnd.Tests.Agents.Processes;

/// <summary>The built agent as a real process (<c>smtpprobehub-agent run</c>), with its own data directory.</summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("e2e-agent-").FullName;

    private AgentProcess(string name, ChildProcess process)
    {
        Name = name;
        Process = process;
    }

    public string Name { get; }

    public ChildProcess Process { get; private set; }

    public string DataDirectory => _dataDirectory;

    /// <summary>Starts <c>run --hub … --name … --label zone=…</c> with the token in the environment.</summary>
    public static AgentProcess Start(string hubUrl, string name, string zone, string token = FleetHub.Token, params string[] extraArguments) =>
        Start(hubUrl, name, zone, token, agentId: null, allowLoopbackTargets: true, extraArguments);

    /// <summary>
    /// As above; <paramref name="agentId"/> seeds the data directory with that id (a copied installation), and without
    /// <paramref name="allowLoopbackTargets"/> the agent keeps its default target policy (no loopback, SMTP ports only).
    /// </summary>
    public static AgentProcess Start(string hubUrl, string name, string zone, string token, string? agentId, bool allowLoopbackTargets, params string[] extraArguments) =>
        Start(hubUrl, name, zone, token, agentId, allowLoopbackTargets, capacity: 2, extraArguments);

    /// <summary>As above, with <paramref name="capacity"/> probes at once.</summary>
    public static AgentProcess Start(string hubUrl, string name, string zone, string token, string? agentId, bool allowLoopbackTargets, int capacity, params string[] extraArguments)
    {
        var agent = new AgentProcess(name, null!);
        if (agentId is not null)
        {
            File.WriteAllText(Path.Combine(agent._dataDirectory, "agent-id"), agentId + "\n");
        }

        // The agent's own policy must allow the tests' loopback peers too: the hub's cannot widen it.
        string[] targets = allowLoopbackTargets ? ["--Agent:Targets:AllowedPorts:0=1-65535", "--Agent:Targets:AllowedNetworks:0=127.0.0.0/8"] : [];
        agent.Process = ChildProcess.Start(name, BuiltApps.Agent,
        [
            "run", "--hub", hubUrl, "--name", name, "--label", $"zone={zone}", "--data-dir", agent._dataDirectory,
            "--capacity", capacity.ToString(System.Globalization.CultureInfo.InvariantCulture), "--Agent:DrainSeconds=5", .. targets, .. extraArguments,
        ], new Dictionary<string, string> { ["Agent__Token"] = token });
        return agent;
    }

    /// <summary>The id the agent made for itself at its first start (waits for the file).</summary>
    public async Task<string> IdAsync()
    {
        var path = Path.Combine(_dataDirectory, "agent-id");
        await Eventually.TrueAsync(() => File.Exists(path), TimeSpan.FromSeconds(30));
        return (await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)).Trim();
    }

    public Task WaitConnectedAsync() => Process.WaitForLineAsync(l => l.Contains("Connected to hub"), TimeSpan.FromSeconds(30));

    public int SpooledResults => Directory.Exists(Path.Combine(_dataDirectory, "results"))
        ? Directory.GetFiles(Path.Combine(_dataDirectory, "results"), "*.result").Length
        : 0;

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
