using SmtpProbeHub.Benchmarks.Inflight;

namespace SmtpProbeHub.Benchmarks.Harness;

/// <summary>What to run and at which sizes: the defaults fit a few minutes on a 2-core machine; --smoke only checks the harness works.</summary>
internal sealed record BenchSettings
{
    public required string RepoRoot { get; init; }
    public required string OutputDirectory { get; init; }
    public required string HubPath { get; init; }
    public required string AgentPath { get; init; }
    public string? PublishedAgentPath { get; init; }
    public IReadOnlySet<string> Sections { get; init; } = new HashSet<string>(AllSections);
    public bool Smoke { get; init; }

    public static readonly string[] AllSections = ["latency", "throughput", "fleet", "footprint", "micro", "inflight", "monitors", "replicas"];

    /// <summary>
    /// The report a section's figures go to (bench/results/NAME.json/.md): issue 6's sections to latest, the in-flight
    /// section to its own inflight report, so running one of them alone never replaces the other's committed results;
    /// a smoke pass writes everything to smoke.
    /// </summary>
    public string ReportName(string section) => Smoke ? "smoke" : section is "inflight" or "monitors" or "replicas" ? section : "latest";

    public int LatencyProbes => Smoke ? 10 : 200;
    public int LatencyWarmup => Smoke ? 2 : 10;
    /// <summary>The sweep; BENCH_CONCURRENCY="16" (comma-separated) narrows it for a quick before/after.</summary>
    public int[] Concurrency => Environment.GetEnvironmentVariable("BENCH_CONCURRENCY") is { Length: > 0 } list
        ? [.. list.Split(',').Select(int.Parse)]
        : Smoke ? [4] : [1, 4, 16, 64];
    public TimeSpan ThroughputPoint => Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(4);
    public TimeSpan ThroughputWarmup => Smoke ? TimeSpan.FromSeconds(0.5) : TimeSpan.FromSeconds(3);
    /// <summary>BENCH_FLEET="1000" (comma-separated) narrows the fleet sizes for a quick before/after.</summary>
    public int[] FleetSizes => Environment.GetEnvironmentVariable("BENCH_FLEET") is { Length: > 0 } list
        ? [.. list.Split(',').Select(int.Parse)]
        : Smoke ? [50] : [1_000, 10_000];
    public int FanOut => Smoke ? 50 : 1_000;
    public int FanOutRepeats => Smoke ? 1 : 3;
    public TimeSpan FleetRest => Smoke ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(10);
    public int FootprintConcurrent => Smoke ? 10 : 100;
    public int StartRepeats => Smoke ? 1 : 5;
    /// <summary>Probes submitted at once; BENCH_INFLIGHT="200" (comma-separated) narrows the sizes for a quick before/after.</summary>
    public int[] InflightSizes => Environment.GetEnvironmentVariable("BENCH_INFLIGHT") is { Length: > 0 } list
        ? [.. list.Split(',').Select(int.Parse)]
        : Smoke ? [20] : [200, 2_000, 10_000];
    /// <summary>How long the sink holds each connection before its 220 banner.</summary>
    public TimeSpan InflightBannerDelay => Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);
    /// <summary>
    /// The built-in agent at its maximum capacity (1,000), and four remote agents of 250 (the hello allows up to 256):
    /// the same total capacity, so the same ideal time. BENCH_INFLIGHT_SETUP="builtin" or "remote" runs one of them.
    /// </summary>
    public InflightSetup[] InflightSetups
    {
        get
        {
            InflightSetup[] all = Smoke ? [new("builtin", 0, 8), new("remote", 1, 8)] : [new("builtin", 0, 1_000), new("remote", 4, 250)];
            // The smoke pass runs the remote set-up only (it covers an agent process too), to stay short.
            var only = Environment.GetEnvironmentVariable("BENCH_INFLIGHT_SETUP") is { Length: > 0 } named ? named : Smoke ? "remote" : null;
            return only is null ? all : [.. all.Where(s => s.Name == only)];
        }
    }

    /// <summary>A directory for this run's scratch files (databases, agent data), under the results folder's tmp/.</summary>
    public string Scratch(string name)
    {
        var path = Path.Combine(OutputDirectory, "tmp", "run", name + "-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    public static BenchSettings Parse(string[] args)
    {
        var root = FindRepoRoot();
        string? Value(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        var sections = args.Where(a => AllSections.Contains(a)).ToHashSet();
        var published = Value("--published-agent");
        return new BenchSettings
        {
            RepoRoot = root,
            OutputDirectory = Path.GetFullPath(Value("--out") ?? Path.Combine(root, "bench", "results")),
            HubPath = Path.GetFullPath(Value("--hub") ?? Path.Combine(root, "src", "Api", "bin", "Release", "net10.0", "SmtpProbeHub.Api")),
            AgentPath = Path.GetFullPath(Value("--agent") ?? published ?? Path.Combine(root, "src", "Agent", "bin", "Release", "net10.0", "SmtpProbeHub.Agent")),
            PublishedAgentPath = published is null ? null : Path.GetFullPath(published),
            Sections = sections.Count > 0 ? sections : new HashSet<string>(AllSections),
            Smoke = args.Contains("--smoke"),
        };
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SmtpProbeHub.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
