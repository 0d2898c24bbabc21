using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SmtpProbeHub.TestSupport.Peers;
using Xunit;

namespace SmtpProbeHub.TestSupport.Dns;

/// <summary>
/// A real dnsmasq on 127.0.0.1 and a free port (UDP and TCP), or on port 53 of an address in a test network namespace
/// (<see cref="StartInNamespaceAsync"/>), answering only from a <see cref="DnsZone"/>:
/// no upstream resolver, no /etc/hosts, so no query ever leaves the machine. Use it as an xunit assembly fixture
/// (the default zone) or start one with its own records through <see cref="StartAsync"/>.
/// Pass <see cref="EndPoint"/> in <c>ProbeEngineOptions.DnsServers</c>.
/// </summary>
public class DnsmasqInstance : IAsyncLifetime
{
    internal const string DnsmasqPath = "/usr/sbin/dnsmasq";

    private readonly StringBuilder _log = new();
    private Process? _process;

    /// <summary>An instance with <see cref="DnsZone.CreateDefault"/> (the xunit fixture constructor).</summary>
    public DnsmasqInstance()
        : this(DnsZone.CreateDefault())
    {
    }

    /// <summary>An instance with its own records; for fixtures derive a class that passes them.</summary>
    protected DnsmasqInstance(DnsZone zone)
        : this(zone, IPAddress.Loopback, null)
    {
    }

    private DnsmasqInstance(DnsZone zone, IPAddress listenAddress, string? networkNamespace)
    {
        Zone = zone;
        ListenAddress = listenAddress;
        NetworkNamespace = networkNamespace;
        EndPoint = new IPEndPoint(listenAddress, 0);
    }

    /// <summary>The records it answers.</summary>
    public DnsZone Zone { get; }

    /// <summary>The address it listens on.</summary>
    public IPAddress ListenAddress { get; }

    /// <summary>The network namespace it runs in (<c>ip netns exec NS dnsmasq …</c>), or null for the test's own.</summary>
    public string? NetworkNamespace { get; }

    /// <summary>Where it listens (UDP and TCP), known after start.</summary>
    public IPEndPoint EndPoint { get; private set; }

    /// <summary>Starts an instance answering <paramref name="zone"/>; dispose it to stop it.</summary>
    public static async Task<DnsmasqInstance> StartAsync(DnsZone zone)
    {
        var instance = new DnsmasqInstance(zone);
        await instance.InitializeAsync();
        return instance;
    }

    /// <summary>
    /// Starts an instance answering <paramref name="zone"/> on <paramref name="listenAddress"/> port 53 inside the
    /// existing network namespace <paramref name="networkNamespace"/> (the address must be one of its own).
    /// </summary>
    public static async Task<DnsmasqInstance> StartInNamespaceAsync(DnsZone zone, string networkNamespace, IPAddress listenAddress)
    {
        var instance = new DnsmasqInstance(zone, listenAddress, networkNamespace);
        await instance.InitializeAsync();
        return instance;
    }

    /// <summary>dnsmasq's output so far (it logs every query).</summary>
    public string ReadLog()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }

    /// <summary>
    /// dnsmasq's output once it contains <paramref name="text"/>. The log arrives through a pipe, so a line
    /// can lag the answer a client already has; a test that reads it at once races the reader.
    /// </summary>
    public async Task<string> WaitForLogAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var log = ReadLog();
            if (log.Contains(text, StringComparison.Ordinal) || DateTime.UtcNow > deadline)
            {
                return log;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Starts dnsmasq and waits until it listens; on failure cleans up and throws with its output.</summary>
    public async ValueTask InitializeAsync()
    {
        RequiredBinary.Require(DnsmasqPath, "dnsmasq-base");
        for (var attempt = 1; ; attempt++)
        {
            // A namespace of the test's own has port 53 free; on the shared host pick a free port.
            EndPoint = new IPEndPoint(ListenAddress, NetworkNamespace is null ? FreePorts.UdpAndTcp(ListenAddress) : 53);
            Start();
            if (await WaitUntilListeningAsync())
            {
                AppDomain.CurrentDomain.ProcessExit += KillOnExit;
                return;
            }

            var log = ReadLog();
            Stop();
            if (attempt == 3 || NetworkNamespace is not null || !log.Contains("Address already in use", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"dnsmasq did not start on {EndPoint} (attempt {attempt}). Output:{Environment.NewLine}{log}");
            }
        }
    }

    /// <summary>Stops dnsmasq.</summary>
    public ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        Stop();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private void Start()
    {
        lock (_log)
        {
            _log.Clear();
        }

        var info = new ProcessStartInfo(NetworkNamespace is null ? DnsmasqPath : "/usr/sbin/ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll",
            "--bind-interfaces", $"--listen-address={ListenAddress}",
            $"--port={EndPoint.Port}", "--pid-file=", "--log-queries", "--log-facility=-", "--cache-size=0",
            .. Zone.ToArguments(),
        ];
        if (NetworkNamespace is not null)
        {
            arguments = ["netns", "exec", NetworkNamespace, DnsmasqPath, .. arguments];
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private async Task<bool> WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                await _process.WaitForExitAsync();
                return false;
            }

            if (NetworkNamespace is not null)
            {
                if (await ListensInNamespaceAsync())
                {
                    return true;
                }

                await Task.Delay(50);
                continue;
            }

            try
            {
                using var client = new TcpClient();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.ConnectAsync(EndPoint, cts.Token);
                return true;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                await Task.Delay(50);
            }
        }

        Append($"(no TCP listener on {EndPoint} after 15 s)");
        return false;
    }

    private async Task<bool> ListensInNamespaceAsync()
    {
        var script = $"exec 3<>/dev/tcp/{EndPoint.Address}/{EndPoint.Port}";
        var outcome = await ProcessRunner.RunAsync("/usr/sbin/ip", ["netns", "exec", NetworkNamespace!, "timeout", "2", "bash", "-c", script], TimeSpan.FromSeconds(5));
        return outcome.ExitCode == 0;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private void Stop()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(TimeSpan.FromSeconds(5));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        _process = null;
    }

    private void KillOnExit(object? sender, EventArgs e) => Stop();
}
