using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace SmtpProbeHub.EndToEnd.Tests.Hub;

/// <summary>
/// The built hub (src/Api/bin/…/SmtpProbeHub.Api.dll) as a real process on a loopback port with its
/// embedded defaults (built-in agent on) and a temporary data directory; it can be killed and started
/// again on the same port and data.
/// </summary>
internal sealed class HubHost : IAsyncDisposable
{
    private readonly string[] _extraArguments;
    private readonly string? _workingDirectory;
    private Process? _process;

    private HubHost(string[] extraArguments, string? workingDirectory = null)
    {
        _extraArguments = extraArguments;
        _workingDirectory = workingDirectory;
    }

    /// <summary>The REST port: bound as port 0 at the first start (read from the banner), the same one on a restart.</summary>
    public int Port { get; private set; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("e2e-hubhost-").FullName;

    public HttpClient Http { get; private set; } = new();

    /// <summary>Every line the hub wrote, across restarts.</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    public static async Task<HubHost> StartAsync(params string[] extraArguments)
    {
        var hub = new HubHost(extraArguments);
        await hub.StartOrDisposeAsync();
        return hub;
    }

    /// <summary>Started from a directory of the caller's, not the one the hub's files are in (as by a systemd unit without WorkingDirectory).</summary>
    public static async Task<HubHost> StartInAsync(string workingDirectory, params string[] extraArguments)
    {
        var hub = new HubHost(extraArguments, workingDirectory);
        await hub.StartOrDisposeAsync();
        return hub;
    }

    // Nobody else holds it yet: a hub that did not come up would otherwise run on after the test.
    private async Task StartOrDisposeAsync()
    {
        try
        {
            await StartAgainAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task StartAgainAsync()
    {
        var dll = BuiltHubDll();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // The tests' Postfix listens on a loopback port: allowed explicitly, unless a test sets a target policy of its own.
        string[] targets = _extraArguments.Any(a => a.StartsWith("--Hub:Targets", StringComparison.Ordinal))
            ? []
            : ["--Hub:Targets:AllowedPorts:0=1-65535", "--Hub:Targets:AllowedNetworks:0=127.0.0.0/8"];
        foreach (var argument in new[] { dll, "--urls", BaseUrl, $"--Hub:DataDirectory={DataDirectory}", "--Hub:Grpc:Url=http://127.0.0.1:0" }.Concat(targets).Concat(_extraArguments))
        {
            info.ArgumentList.Add(argument);
        }

        // The agents' gRPC endpoint on a port of its own (default 5081 would collide between parallel hubs).
        // The content root is where the hub's appsettings.json sits, as for an installed hub.
        info.WorkingDirectory = _workingDirectory ?? Path.GetDirectoryName(dll)!;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var until = DateTime.UtcNow.AddSeconds(60);
        while (Port == 0 && DateTime.UtcNow < until && !_process.HasExited)
        {
            if (HubBanner.RestPort(Output) is { } bound)
            {
                Port = bound;
                Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(90) };
            }
            else
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }

        while (DateTime.UtcNow < until && !_process.HasExited)
        {
            try
            {
                if ((await Http.GetAsync("/health/ready", TestContext.Current.CancellationToken)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        throw new InvalidOperationException($"The hub did not become ready:\n{Text}");
    }

    public string Text => string.Join('\n', Output);

    /// <summary>SIGKILL: the hub gets no chance to finish anything, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    public Task<HttpResponseMessage> PostProbeAsync(string json, string query = "") =>
        Http.PostAsync("/api/v1/probes" + query, new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        var text = await Http.GetStringAsync(path, TestContext.Current.CancellationToken);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }

            _process.Dispose();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            Output.Enqueue(line);
        }
    }

    private static string BuiltHubDll()
    {
        var configuration = typeof(HubHost).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SmtpProbeHub.sln")))
            {
                var dll = Path.Combine(dir.FullName, "src", "Api", "bin", configuration, "net10.0", "SmtpProbeHub.Api.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build src/Api ({configuration}) first.", dll);
            }
        }

        throw new InvalidOperationException($"SmtpProbeHub.sln not found above {AppContext.BaseDirectory}");
    }
}
