using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using SmtpProbeHub.TestSupport.Peers;
using SmtpProbeHub.TestSupport.Processes;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.TestSupport.Haproxy;

/// <summary>
/// One server of a backend: <paramref name="Address"/> (host:port) gets the traffic, <paramref name="HealthAddress"/>
/// (host:port, HTTP/1.1) answers the health check's <c>GET /health/ready</c>; the same unless given. A hub's gRPC
/// port speaks HTTP/2 only and serves no health endpoint, so its check goes to the same hub's REST port.
/// </summary>
public sealed record HaproxyServer(string Name, string Address, string? HealthAddress = null);

/// <summary>One server as HAProxy sees it (a row of the runtime API's <c>show stat</c>).</summary>
/// <param name="Backend">The backend (proxy) name: <c>rest</c> or <c>grpc</c>.</param>
/// <param name="Server">The server's name.</param>
/// <param name="Status">UP, DOWN, "UP 1/2" (going down), "DOWN 1/1" (going up), MAINT, …</param>
/// <param name="TotalSessions">Sessions (connections, or requests in mode http) sent to it so far (<c>stot</c>).</param>
/// <param name="CurrentSessions">Sessions open on it now (<c>scur</c>): a gRPC stream held by an agent counts one.</param>
public sealed record HaproxyServerStat(string Backend, string Server, string Status, long TotalSessions, long CurrentSessions)
{
    public bool IsUp => Status == "UP";
}

/// <summary>
/// A private HAProxy 2.6 in front of hub replicas: frontend <c>rest</c> (HTTP/1.1, round-robin) and frontend
/// <c>grpc</c> (h2c, least connections), with the choices of deploy/haproxy.cfg but health checks every 500 ms so a
/// killed replica leaves the rotation within about a second. Runs in the foreground (<c>-db</c>) with its own
/// temporary directory (configuration, runtime API socket), removed on dispose.
/// <para>
/// Port 0: HAProxy 2.6 refuses <c>bind 127.0.0.1:0</c> ("invalid port '0'"), so it cannot pick a port itself. This
/// process binds the two loopback sockets to port 0 instead, reads their ports from the sockets, and hands them to
/// HAProxy as inherited file descriptors (<c>bind fd@N</c>, which HAProxy documents for sockets a parent bound). The
/// sockets are never closed between bind and HAProxy's listen, so no other process can take the ports.
/// </para>
/// </summary>
public sealed class HaproxyProcess : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/haproxy";

    /// <summary>Health-check timing for tests: every 500 ms; down after 2 failures, up after 1 success.</summary>
    private const string CheckTiming = "inter 500ms fall 2 rise 1";

    private const int FSetFd = 2;

    // Only one HAProxy at a time gets inheritable sockets: another start in between would inherit them too.
    private static readonly Lock StartLock = new();

    private HaproxyProcess(string directory, int restPort, int grpcPort, ChildProcess process)
    {
        Directory = directory;
        RestUri = new Uri($"http://127.0.0.1:{restPort}");
        GrpcUri = new Uri($"http://127.0.0.1:{grpcPort}");
        Process = process;
    }

    /// <summary>The REST frontend (HTTP/1.1).</summary>
    public Uri RestUri { get; }

    /// <summary>The gRPC frontend (plaintext HTTP/2 with prior knowledge, as agents dial a hub's gRPC port).</summary>
    public Uri GrpcUri { get; }

    /// <summary>The temporary directory: haproxy.cfg and the runtime API socket.</summary>
    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "haproxy.cfg");

    public string SocketPath => Path.Combine(Directory, "admin.sock");

    public ChildProcess Process { get; }

    /// <summary>
    /// Starts HAProxy in front of <paramref name="rest"/> and <paramref name="grpc"/> servers and returns once its runtime
    /// API answers (its frontends listen then); servers are not yet known up: see <see cref="WaitForServersAsync"/>.
    /// </summary>
    public static async Task<HaproxyProcess> StartAsync(IReadOnlyList<HaproxyServer> rest, IReadOnlyList<HaproxyServer> grpc)
    {
        RequiredBinary.Require(Binary, "haproxy");
        var directory = System.IO.Directory.CreateTempSubdirectory("haproxy-").FullName;
        using var restSocket = BindLoopback();
        using var grpcSocket = BindLoopback();
        var restFd = (int)restSocket.SafeHandle.DangerousGetHandle();
        var grpcFd = (int)grpcSocket.SafeHandle.DangerousGetHandle();
        var configPath = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(configPath, Config(directory, restFd, grpcFd, rest, grpc), TestContext.Current.CancellationToken);

        ChildProcess process;
        lock (StartLock)
        {
            // .NET opens sockets close-on-exec; these two must survive the exec into HAProxy (fd@N).
            SetInheritable(restFd, true);
            SetInheritable(grpcFd, true);
            try
            {
                process = ChildProcess.Start("haproxy", Binary, ["-f", configPath, "-db"], workingDirectory: directory);
            }
            finally
            {
                SetInheritable(restFd, false);
                SetInheritable(grpcFd, false);
            }
        }

        var haproxy = new HaproxyProcess(directory, ((IPEndPoint)restSocket.LocalEndPoint!).Port, ((IPEndPoint)grpcSocket.LocalEndPoint!).Port, process);
        try
        {
            // The runtime API socket is created after the configuration is parsed and the listeners are bound.
            await Eventually.TrueAsync(async () => process.HasExited || await haproxy.TryCommandAsync("show info") is not null,
                TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50), () => process.Text);
            if (process.HasExited)
            {
                throw new InvalidOperationException($"haproxy exited during start:\n{process.Text}\n{await File.ReadAllTextAsync(configPath)}");
            }
        }
        catch
        {
            await haproxy.DisposeAsync();
            throw;
        }

        return haproxy;
    }

    /// <summary>The configuration this class generates (public so a test can show it when something fails).</summary>
    public static string Config(string directory, int restFd, int grpcFd, IReadOnlyList<HaproxyServer> rest, IReadOnlyList<HaproxyServer> grpc)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            # Generated by SmtpProbeHub.TestSupport.Haproxy.HaproxyProcess: deploy/haproxy.cfg's choices, test timings.
            global
                stats socket {directory}/admin.sock mode 600 level admin
                stats timeout 10s

            defaults
                mode http
                timeout connect 2s
                timeout http-request 10s
                # ?wait= up to 300 s, SSE streams and agents' gRPC streams: idle gaps far below these.
                timeout client 330s
                timeout server 330s
                timeout tunnel 1h
                timeout check 2s
                retries 2
                option redispatch

            frontend rest
                bind fd@{restFd}
                option forwardfor
                # deploy/haproxy.cfg sets it by ssl_fc; the tests' frontend is plain HTTP.
                http-request set-header X-Forwarded-Proto http
                default_backend rest

            frontend grpc
                bind fd@{grpcFd} proto h2
                option forwardfor
                default_backend grpc

            backend rest
                balance roundrobin
                option httpchk GET /health/ready
                http-check expect status 200

            """);
        foreach (var server in rest)
        {
            text.Append(CultureInfo.InvariantCulture, $"    server {server.Name} {server.Address} check {HealthTarget(server)}{CheckTiming}\n");
        }

        text.Append("""

            backend grpc
                balance leastconn
                option httpchk GET /health/ready
                http-check expect status 200

            """);
        foreach (var server in grpc)
        {
            text.Append(CultureInfo.InvariantCulture, $"    server {server.Name} {server.Address} proto h2 check check-proto h1 {HealthTarget(server)}{CheckTiming}\n");
        }

        return text.ToString();
    }

    /// <summary>Every server of both backends as HAProxy sees it now (runtime API <c>show stat</c>).</summary>
    public async Task<IReadOnlyList<HaproxyServerStat>> ServersAsync()
    {
        var csv = await CommandAsync("show stat");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].TrimStart('#', ' ').Split(',');
        int Column(string name) => Array.IndexOf(header, name) is >= 0 and var i ? i : throw new InvalidOperationException($"no column {name} in show stat");
        var (px, sv, status, stot, scur) = (Column("pxname"), Column("svname"), Column("status"), Column("stot"), Column("scur"));
        return [.. lines.Skip(1)
            .Select(l => l.Split(','))
            .Where(f => f.Length > status && f[sv] is not ("FRONTEND" or "BACKEND"))
            .Select(f => new HaproxyServerStat(f[px], f[sv], f[status], ParseLong(f[stot]), ParseLong(f[scur])))];
    }

    /// <summary>One server's row; throws when there is none.</summary>
    public async Task<HaproxyServerStat> ServerAsync(string backend, string server) =>
        (await ServersAsync()).SingleOrDefault(s => s.Backend == backend && s.Server == server)
        ?? throw new InvalidOperationException($"haproxy has no server {backend}/{server}");

    /// <summary>Waits until HAProxy's health checks hold the named servers of <paramref name="backend"/> UP (or not UP, with <paramref name="up"/> false).</summary>
    public Task WaitForServersAsync(string backend, IEnumerable<string> servers, bool up = true, TimeSpan? within = null)
    {
        var names = servers.ToList();
        return Eventually.ReadAsync(
            ServersAsync,
            stats => names.All(n => stats.Any(s => s.Backend == backend && s.Server == n && s.IsUp == up)),
            within ?? TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100), () => Process.Text);
    }

    /// <summary>A runtime API command's answer (non-interactive: HAProxy answers and closes).</summary>
    public async Task<string> CommandAsync(string command) =>
        await TryCommandAsync(command) ?? throw new InvalidOperationException($"haproxy's runtime API ({SocketPath}) did not answer `{command}`");

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<string?> TryCommandAsync(string command)
    {
        if (!File.Exists(SocketPath))
        {
            return null;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), TestContext.Current.CancellationToken);
            await socket.SendAsync(Encoding.ASCII.GetBytes(command + "\n"), TestContext.Current.CancellationToken);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static string HealthTarget(HaproxyServer server)
    {
        if (server.HealthAddress is null || server.HealthAddress == server.Address)
        {
            return "";
        }

        var colon = server.HealthAddress.LastIndexOf(':');
        return $"addr {server.HealthAddress[..colon]} port {server.HealthAddress[(colon + 1)..]} ";
    }

    private static long ParseLong(string field) => long.TryParse(field, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static Socket BindLoopback()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static void SetInheritable(int fd, bool inheritable)
    {
        if (Fcntl(fd, FSetFd, inheritable ? 0 : 1) != 0)
        {
            throw new InvalidOperationException($"fcntl(F_SETFD) on fd {fd} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int fd, int command, int argument);
}
