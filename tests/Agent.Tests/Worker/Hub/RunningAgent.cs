using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SmtpProbeHub.Agent.Worker;
using SmtpProbeHub.Probe;

namespace SmtpProbeHub.Agent.Tests.Worker.Hub;

/// <summary>The worker host as <c>smtpprobehub-agent run</c> builds it, with a scripted probe runner.</summary>
internal sealed class RunningAgent : IAsyncDisposable
{
    private RunningAgent(IHost host, string dataDirectory)
    {
        Host = host;
        DataDirectory = dataDirectory;
    }

    public IHost Host { get; }

    /// <summary>Every log record, to check what an operator would read.</summary>
    public FakeLogCollector Logs => Host.Services.GetFakeLogCollector();

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
        builder.Logging.ClearProviders().AddFakeLogging();
        builder.Services.AddSingleton(runner);
        var host = builder.Build();
        await host.StartAsync();
        return new RunningAgent(host, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Host.StopAsync(stop.Token);
        Host.Dispose();
    }
}
