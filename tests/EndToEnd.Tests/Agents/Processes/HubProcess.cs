using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SmtpProbeHub.TestSupport.Peers;

namespace SmtpProbeHub.EndToEnd.Tests.Agents.Processes;

/// <summary>
/// The built hub as a real process on loopback: REST and gRPC on ports of its own, its own data
/// directory, the built-in agent off (the agents under test are the only vantage points), one enrolment token,
/// loopback targets allowed.
/// It can be killed and started again on the same ports and data.
/// </summary>
internal sealed class HubProcess : IAsyncDisposable
{
    public const string Token = "e2e-agent-token-5c1f0a";
    public const double HeartbeatTimeoutSeconds = 4;

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("e2e-hub-").FullName;
    private readonly string _grpcScheme;
    private readonly string[] _extraArguments;
    private AppProcess? _process;

    private HubProcess(string grpcScheme, string[] extraArguments)
    {
        _grpcScheme = grpcScheme;
        _extraArguments = extraArguments;
    }

    /// <summary>The REST port: port 0 at the first start, read from the hub's banner; the same one on a restart.</summary>
    public int RestPort { get; private set; }

    /// <summary>The agents' port, found and kept the same way (agents dial it again after a restart).</summary>
    public int GrpcPort { get; private set; }

    public string GrpcUrl => $"{_grpcScheme}://127.0.0.1:{GrpcPort}";

    public HttpClient Http { get; private set; } = new();

    public AppProcess Process => _process ?? throw new InvalidOperationException("not started");

    /// <summary>Every line any run of this hub wrote (kept across restarts).</summary>
    public List<string> PastOutput { get; } = [];

    /// <summary>Starts a hub; <paramref name="grpcScheme"/> https needs Hub:Grpc:CertificatePath/KeyPath among <paramref name="extraArguments"/>.</summary>
    public static async Task<HubProcess> StartAsync(string grpcScheme = "http", params string[] extraArguments)
    {
        var hub = new HubProcess(grpcScheme, extraArguments);
        try
        {
            await hub.StartAgainAsync();
        }
        catch
        {
            // Nobody else holds it yet: a hub that did not come up would otherwise run on after the test.
            await hub.DisposeAsync();
            throw;
        }

        return hub;
    }

    public async Task StartAgainAsync()
    {
        _process = AppProcess.Start(BuiltApps.Hub,
        [
            "--urls", $"http://127.0.0.1:{RestPort}",
            $"--Hub:Grpc:Url={GrpcUrl}",
            $"--Hub:DataDirectory={_dataDirectory}",
            "--Hub:LocalAgent:Enabled=false",
            // These tests poll the API; the per-client rate limit is not what they are about.
            "--Hub:RateLimit:Burst=100000",
            "--Hub:RateLimit:PerMinute=100000",
            "--Hub:Grpc:HeartbeatSeconds=1",
            $"--Hub:Grpc:HeartbeatTimeoutSeconds={HeartbeatTimeoutSeconds}",
            // The tests' Postfix and scripted servers listen on loopback ports.
            "--Hub:Targets:AllowedPorts:0=1-65535",
            "--Hub:Targets:AllowedNetworks:0=127.0.0.0/8",
            .. _extraArguments,
        ], new Dictionary<string, string> { ["Hub__EnrollmentTokens__e2e"] = Token });
        // A minute: on a loaded machine a cold start of the hub (JIT, the schema) has taken over 30 s.
        var until = DateTime.UtcNow.AddSeconds(60);
        while ((RestPort == 0 || GrpcPort == 0) && DateTime.UtcNow < until && !_process.HasExited)
        {
            if (Hub.HubBanner.RestPort(_process.Output) is { } rest && Hub.HubBanner.GrpcPort(_process.Output) is { } grpc)
            {
                (RestPort, GrpcPort) = (rest, grpc);
                Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{RestPort}"), Timeout = TimeSpan.FromSeconds(90) };
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
                if ((await Http.GetAsync("/health/live", TestContext.Current.CancellationToken)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        throw new InvalidOperationException($"hub did not start:\n{_process.Text}");
    }

    public async Task KillAsync()
    {
        await Process.KillAsync();
        PastOutput.AddRange(Process.Output);
    }

    public IEnumerable<string> AllOutput => PastOutput.Concat(_process?.Output ?? []);

    public async Task<HttpResponseMessage> PostProbeAsync(string json, int? wait = null) =>
        await Http.PostAsync("/api/v1/probes" + (wait is null ? "" : $"?wait={wait}"), new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    public async Task<JsonElement> GetAsync(string path) =>
        await Http.GetFromJsonAsync<JsonElement>(path, TestContext.Current.CancellationToken);

    /// <summary>Waits until the named agents are listed online.</summary>
    public async Task WaitForAgentsOnlineAsync(params string[] names)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            var agents = await GetAsync("/api/v1/agents");
            var online = agents.EnumerateArray().Where(a => a.GetProperty("status").GetString() == "online").Select(a => a.GetProperty("name").GetString()).ToHashSet();
            if (names.All(online.Contains))
            {
                return;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"agents {string.Join(", ", names)} not all online; hub output:\n{Process.Text}");
    }

    /// <summary>Polls a probe until <paramref name="done"/> holds for it.</summary>
    public async Task<JsonElement> WaitForProbeAsync(string id, Func<JsonElement, bool> done, double seconds = 30)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        JsonElement probe;
        do
        {
            probe = await GetAsync($"/api/v1/probes/{id}");
            if (done(probe))
            {
                return probe;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        while (DateTime.UtcNow < until);
        throw new TimeoutException($"probe not as expected after {seconds}s: {probe}\nhub output:\n{Process.Text}");
    }

    public static IEnumerable<string> RunStatuses(JsonElement probe) =>
        probe.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("status").GetString()!);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
