using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SmtpProbeHub.TestSupport.Peers;
using Xunit;

namespace SmtpProbeHub.TestSupport.Dns;

/// <summary>
/// A real dnsmasq on 127.0.0.1 and a free port (UDP and TCP), answering only from a <see cref="DnsZone"/>:
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
    protected DnsmasqInstance(DnsZone zone) => Zone = zone;

    /// <summary>The records it answers.</summary>
    public DnsZone Zone { get; }

    /// <summary>Where it listens (UDP and TCP), known after start.</summary>
    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>Starts an instance answering <paramref name="zone"/>; dispose it to stop it.</summary>
    public static async Task<DnsmasqInstance> StartAsync(DnsZone zone)
    {
        var instance = new DnsmasqInstance(zone);
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

    /// <summary>Starts dnsmasq and waits until it listens; on failure cleans up and throws with its output.</summary>
    public async ValueTask InitializeAsync()
    {
        RequiredBinary.Require(DnsmasqPath, "dnsmasq-base");
        for (var attempt = 1; ; attempt++)
        {
            EndPoint = new IPEndPoint(IPAddress.Loopback, FreePorts.UdpAndTcp(IPAddress.Loopback));
            Start();
            if (await WaitUntilListeningAsync())
            {
                AppDomain.CurrentDomain.ProcessExit += KillOnExit;
                return;
            }

            var log = ReadLog();
            Stop();
            if (attempt == 3 || !log.Contains("Address already in use", StringComparison.Ordinal))
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

        var info = new ProcessStartInfo(DnsmasqPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll",
            "--bind-interfaces", "--listen-address=127.0.0.1",
            $"--port={EndPoint.Port}", "--pid-file=", "--log-queries", "--log-facility=-", "--cache-size=0",
            .. Zone.ToArguments(),
        ];
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
