using SmtpProbeHub.TestSupport.Processes;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.TestSupport.Hub;

/// <summary>How a <see cref="HubProcess"/> is started; the defaults are the hub as shipped, on loopback ports of its own.</summary>
public sealed record HubProcessOptions
{
    /// <summary>The built-in agent (on as shipped); off when the agents under test are to be the only vantage points.</summary>
    public bool LocalAgent { get; init; } = true;

    /// <summary>An enrolment token agents connect with (Hub:EnrollmentTokens:tests), or none.</summary>
    public string? AgentToken { get; init; }

    /// <summary>https needs Hub:Grpc:CertificatePath/KeyPath among <see cref="Arguments"/>.</summary>
    public string GrpcScheme { get; init; } = "http";

    /// <summary>More configuration as command-line arguments ("--Hub:ApiKeys:0=…").</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>More environment variables (runtime settings).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The hub to run: the built SmtpProbeHub.Api.dll of this configuration unless given.</summary>
    public string? Executable { get; init; }

    /// <summary>Started from a directory of the caller's, not the one the hub's files are in (as by a systemd unit without WorkingDirectory).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>The data directory; a temporary one, removed on dispose, unless given.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>How many output lines to keep (all unless given).</summary>
    public int? KeptLines { get; init; }

    /// <summary>False: the hub binds no agents' endpoint (remote agents off), and <see cref="HubProcess.GrpcPort"/> stays 0.</summary>
    public bool AgentEndpoint { get; init; } = true;
}

/// <summary>
/// The built hub as a real process on loopback: REST and gRPC bound as port 0 and read from its start-up banner,
/// its own data directory, loopback targets allowed (unless the options set a target policy). It can be killed and
/// started again on the same ports and data.
/// </summary>
public sealed class HubProcess : IAsyncDisposable
{
    private readonly HubProcessOptions _options;
    private readonly bool _ownsDataDirectory;
    private readonly List<string> _pastOutput = [];
    private ChildProcess? _process;

    private HubProcess(HubProcessOptions options)
    {
        _options = options;
        _ownsDataDirectory = options.DataDirectory is null;
        DataDirectory = options.DataDirectory ?? Directory.CreateTempSubdirectory("hub-").FullName;
    }

    public int RestPort { get; private set; }

    public int GrpcPort { get; private set; }

    public string BaseUrl => $"http://127.0.0.1:{RestPort}";

    public string GrpcUrl => $"{_options.GrpcScheme}://127.0.0.1:{GrpcPort}";

    public string DataDirectory { get; }

    /// <summary>The REST API; a new one after a restart.</summary>
    public HubClient Client { get; private set; } = new(new Uri("http://127.0.0.1:1"));

    public HttpClient Http => Client.Http;

    public ChildProcess Process => _process ?? throw new InvalidOperationException("not started");

    /// <summary>Every line any run of this hub wrote (kept across restarts).</summary>
    public IReadOnlyList<string> Output => [.. _pastOutput, .. _process?.Output ?? []];

    public string Text => string.Join('\n', Output);

    /// <summary>Starts the hub as shipped, with more configuration as command-line arguments ("--Hub:ApiKeys:0=…").</summary>
    public static Task<HubProcess> StartAsync(params string[] arguments) => StartAsync(new HubProcessOptions { Arguments = arguments });

    public static async Task<HubProcess> StartAsync(HubProcessOptions options)
    {
        var hub = new HubProcess(options);
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

    /// <summary>Starts the hub (again, after <see cref="KillAsync"/>): on the ports of its first start, and waits until it is ready.</summary>
    public async Task StartAgainAsync()
    {
        _pastOutput.AddRange(_process?.Output ?? []);
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        // The tests' and the benchmark's peers listen on loopback ports: allowed explicitly, unless the caller sets a policy.
        string[] targets = _options.Arguments.Any(a => a.StartsWith("--Hub:Targets", StringComparison.Ordinal))
            ? []
            : ["--Hub:Targets:AllowedPorts:0=1-65535", "--Hub:Targets:AllowedNetworks:0=127.0.0.0/8"];
        var environment = new Dictionary<string, string>(_options.Environment);
        if (_options.AgentToken is { } token)
        {
            environment["Hub__EnrollmentTokens__tests"] = token;
        }

        var executable = _options.Executable ?? BuiltApps.Hub;
        _process = ChildProcess.Start("hub", executable,
        [
            "--urls", BaseUrl,
            $"--Hub:Grpc:Url={(_options.AgentEndpoint ? GrpcUrl : "")}",
            $"--Hub:DataDirectory={DataDirectory}",
            $"--Hub:LocalAgent:Enabled={(_options.LocalAgent ? "true" : "false")}",
            .. targets,
            .. _options.Arguments,
        ], environment, _options.WorkingDirectory ?? Path.GetDirectoryName(executable), _options.KeptLines);

        // A minute: on a loaded machine a cold start of the hub (JIT, the schema) has taken over 30 s.
        var within = TimeSpan.FromSeconds(60);
        RestPort = HubBanner.RestPort([(await _process.WaitForLineAsync(l => HubBanner.RestPort([l]) is not null, within)).Text])!.Value;
        if (_options.AgentEndpoint)
        {
            GrpcPort = HubBanner.GrpcPort([(await _process.WaitForLineAsync(l => HubBanner.GrpcPort([l]) is not null, within)).Text])!.Value;
        }

        Client.Dispose();
        Client = new HubClient(new Uri(BaseUrl));
        await Eventually.TrueAsync(async () => _process.HasExited || await Client.IsReadyAsync(), within, TimeSpan.FromMilliseconds(100));
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"The hub exited during start:\n{_process.Text}");
        }
    }

    /// <summary>SIGKILL: the hub gets no chance to finish anything, as in a crash.</summary>
    public Task KillAsync() => Process.KillAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        if (_ownsDataDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
