using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SmtpProbeHub.Agent.Worker;
using SmtpProbeHub.Probe;

namespace SmtpProbeHub.Agent.Tests.Worker.Hub;

/// <summary>The worker host as <c>smtpprobehub-agent run</c> builds it, with a scripted probe runner.</summary>
internal sealed class RunningAgent : IAsyncDisposable
{
    private RunningAgent(IHost host, CapturedLogs logs, string dataDirectory)
    {
        Host = host;
        Logs = logs;
        DataDirectory = dataDirectory;
    }

    public IHost Host { get; }

    public CapturedLogs Logs { get; }

    public string DataDirectory { get; }

    public ResultSpool Spool => Host.Services.GetRequiredService<ResultSpool>();

    public static async Task<RunningAgent> StartAsync(string hubUrl, string token, string dataDirectory, IProbeRunner runner, params string[] extra)
    {
        string[] args =
        [
            $"--Agent:HubUrl={hubUrl}", $"--Agent:Token={token}", $"--Agent:DataDirectory={dataDirectory}",
            "--Agent:Name=test-agent", "--Agent:Labels:zone=inside", "--Agent:Capacity=2", "--Agent:DrainSeconds=5",
            .. extra,
        ];
        var builder = WorkerHost.CreateBuilder(args);
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddSingleton(runner);
        var host = builder.Build();
        await host.StartAsync();
        return new RunningAgent(host, logs, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Host.StopAsync(stop.Token);
        Host.Dispose();
    }
}
