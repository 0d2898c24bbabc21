using System.Net;
using System.Net.Sockets;
using System.Text;
using SmtpProbeHub.TestSupport.Peers;
using Xunit;

namespace SmtpProbeHub.TestSupport.Postfix;

/// <summary>
/// A private, real Postfix started for the tests: its own config, queue and data directories, listening on
/// <see cref="Host"/>:<see cref="Port"/>, final destination for <c>corp.test</c> with the users alice, bob and
/// postmaster (anyone else: <c>550 5.1.1 … User unknown in local recipient table</c>), STARTTLS with Debian's
/// self-signed snakeoil certificate, DSN, no relaying for other domains (554 5.7.1), accepted mail discarded.
/// <para>
/// Use it as an xunit assembly fixture (<c>[assembly: AssemblyFixture(typeof(PostfixInstance))]</c>, then take it
/// in a test class constructor), or start one with other options through <see cref="StartAsync"/>.
/// Never depends on the system Postfix instance or port 25.
/// </para>
/// </summary>
public class PostfixInstance : IAsyncLifetime
{
    internal const string PostfixPath = "/usr/sbin/postfix";
    internal const string PostconfPath = "/usr/sbin/postconf";
    private const string SnakeoilCertificate = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private PostfixSlot? _slot;
    private bool _started;

    /// <summary>An instance with the default options (the xunit fixture constructor).</summary>
    public PostfixInstance()
        : this(new PostfixOptions())
    {
    }

    /// <summary>An instance with other options; for fixtures derive a class that passes them.</summary>
    protected PostfixInstance(PostfixOptions options) => Options = options;

    /// <summary>The options it was started with.</summary>
    public PostfixOptions Options { get; }

    /// <summary>The address smtpd listens on, e.g. "127.0.0.1".</summary>
    public string Host => Options.ListenAddress.ToString();

    /// <summary>The port smtpd listens on (known after start).</summary>
    public int Port { get; private set; }

    /// <summary>Host and port together.</summary>
    public IPEndPoint EndPoint => new(Options.ListenAddress, Port);

    /// <summary>The first domain it is the final destination for ("corp.test").</summary>
    public string Domain => Options.Domains[0];

    /// <summary>A recipient Postfix accepts with 250, e.g. "alice@corp.test".</summary>
    public string KnownRecipient => $"{Options.LocalUsers[0]}@{Domain}";

    /// <summary>A recipient Postfix rejects with 550 5.1.1, e.g. "nobody@corp.test".</summary>
    public string UnknownRecipient => $"nobody@{Domain}";

    /// <summary>Text that only this instance's 220 greeting carries.</summary>
    public string BannerMarker => $"(SmtpProbeHub test {Slot.Name})";

    /// <summary>The instance's config directory (main.cf, master.cf).</summary>
    public string ConfigDirectory => Slot.ConfigDirectory;

    /// <summary>The instance's queue directory.</summary>
    public string QueueDirectory => Slot.QueueDirectory;

    /// <summary>The instance's log (maillog_file).</summary>
    public PostfixLog Log => new(Slot.LogFile);

    private PostfixSlot Slot => _slot ?? throw new InvalidOperationException("The Postfix instance is not started.");

    /// <summary>Starts an instance with <paramref name="options"/>; dispose it to stop it.</summary>
    public static async Task<PostfixInstance> StartAsync(PostfixOptions? options = null)
    {
        var instance = new PostfixInstance(options ?? new PostfixOptions());
        await instance.InitializeAsync();
        return instance;
    }

    /// <summary>The whole Postfix log of this instance so far.</summary>
    public string ReadLog() => Log.Read();

    /// <summary>Starts Postfix and waits for its 220 greeting; on failure cleans up and throws with the log.</summary>
    public async ValueTask InitializeAsync()
    {
        RequiredBinary.Require(PostfixPath, "postfix");
        RequiredBinary.Require(PostconfPath, "postfix");
        RequiredBinary.Require(SnakeoilCertificate, "ssl-cert");
        RequiredBinary.RequireRoot("A private Postfix instance");

        await PostfixRegistration.EnsureAsync();
        _slot = PostfixSlot.Claim();
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
        try
        {
            await ConfigureAsync();
            await StartWithRetryAsync();
            _started = true;
        }
        catch
        {
            await StopAsync();
            throw;
        }
    }

    /// <summary>
    /// Changes main.cf settings of the running instance and reloads it (e.g. <c>smtpd_client_restrictions = reject</c>).
    /// Sessions already open keep the old settings. Affects every test using this instance: give such tests their own.
    /// </summary>
    public async Task ReconfigureAsync(IReadOnlyDictionary<string, string> settings)
    {
        await ProcessRunner.RunCheckedAsync(PostconfPath, ["-c", ConfigDirectory, "-e", .. settings.Select(s => $"{s.Key} = {s.Value}")], CommandTimeout);
        await RunPostfixAsync("reload", check: true);
    }

    /// <summary>Stops Postfix (kills what is left) and removes its directories.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        GC.SuppressFinalize(this);
    }

    private async Task ConfigureAsync()
    {
        var slot = Slot;
        slot.Reset();
        File.Copy("/etc/postfix/main.cf", Path.Combine(slot.ConfigDirectory, "main.cf"));
        File.Copy("/etc/postfix/master.cf", Path.Combine(slot.ConfigDirectory, "master.cf"));
        PostfixConfig.WriteTables(Options, slot);
        var settings = PostfixConfig.Settings(Options, slot).Select(s => $"{s.Key} = {s.Value}");
        await ProcessRunner.RunCheckedAsync(PostconfPath, ["-c", slot.ConfigDirectory, "-e", .. settings], CommandTimeout);
        // Daemons run outside a chroot: a private queue directory has no copy of /etc files to chroot into.
        await ProcessRunner.RunCheckedAsync(PostconfPath, ["-c", slot.ConfigDirectory, "-F", "*/*/chroot = n"], CommandTimeout);
        await ProcessRunner.RunCheckedAsync("/bin/chown", ["postfix:postfix", slot.DataDirectory], CommandTimeout);
    }

    private async Task StartWithRetryAsync()
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            Port = Options.Port ?? (Options.NetworkNamespace is null ? FreePorts.Tcp(Options.ListenAddress) : 25);
            await ProcessRunner.RunCheckedAsync(PostconfPath, ["-c", ConfigDirectory, "-M", $"smtp/inet = {Port} inet n - n - - smtpd"], CommandTimeout);
            var start = await RunPostfixAsync("start", check: false);
            if (start.ExitCode == 0)
            {
                await WaitForGreetingAsync();
                return;
            }

            var log = ReadLog();
            var portTaken = log.Contains("Address already in use", StringComparison.Ordinal) || start.Output.Contains("Address already in use", StringComparison.Ordinal);
            if (!portTaken || Options.Port is not null || attempt == attempts)
            {
                throw new InvalidOperationException(
                    $"Postfix test instance {Slot.Name} did not start on {Host}:{Port} (`postfix start` exited {start.ExitCode}).{Environment.NewLine}" +
                    $"Output:{Environment.NewLine}{start.Output}{Environment.NewLine}Log {Slot.LogFile}:{Environment.NewLine}{log}");
            }

            // Another process took the port between our probe and Postfix's bind: clean up and try another.
            PostfixProcesses.KillAll(ConfigDirectory);
        }
    }

    private async Task WaitForGreetingAsync()
    {
        var deadline = DateTime.UtcNow + Options.StartTimeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = Options.NetworkNamespace is null ? await ReadGreetingAsync() : await ReadGreetingInNamespaceAsync();
                if (last.StartsWith("220 ", StringComparison.Ordinal) && last.Contains(BannerMarker, StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException(
            $"Postfix test instance {Slot.Name} started but {Host}:{Port} gave no 220 greeting with {BannerMarker} " +
            $"within {Options.StartTimeout.TotalSeconds:0} s (last: {last}).{Environment.NewLine}Log {Slot.LogFile}:{Environment.NewLine}{ReadLog()}");
    }

    private async Task<string> ReadGreetingAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var client = new TcpClient(Options.ListenAddress.AddressFamily);
        await client.ConnectAsync(Options.ListenAddress, Port, cts.Token);
        using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
        var line = await reader.ReadLineAsync(cts.Token) ?? "";
        await client.GetStream().WriteAsync("QUIT\r\n"u8.ToArray(), cts.Token);
        return line;
    }

    private async Task<string> ReadGreetingInNamespaceAsync()
    {
        var script = $"exec 3<>/dev/tcp/{Host}/{Port} && head -n1 <&3 && printf 'QUIT\\r\\n' >&3";
        var outcome = await ProcessRunner.RunAsync("/usr/sbin/ip", ["netns", "exec", Options.NetworkNamespace!, "timeout", "5", "bash", "-c", script], TimeSpan.FromSeconds(10));
        return outcome.Output.Trim();
    }

    private async Task<ProcessOutcome> RunPostfixAsync(string command, bool check)
    {
        var (file, args) = Options.NetworkNamespace is null
            ? (PostfixPath, new List<string> { "-c", ConfigDirectory, command })
            : ("/usr/sbin/ip", new List<string> { "netns", "exec", Options.NetworkNamespace, PostfixPath, "-c", ConfigDirectory, command });
        var outcome = await ProcessRunner.RunAsync(file, args, CommandTimeout);
        if (check && outcome.ExitCode != 0)
        {
            throw new InvalidOperationException($"`postfix {command}` failed ({outcome.ExitCode}): {outcome.Output}{Environment.NewLine}Log:{Environment.NewLine}{ReadLog()}");
        }

        return outcome;
    }

    private async Task StopAsync()
    {
        if (_slot is null)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        if (_started)
        {
            // The graceful way first (lets qmgr finish), then anything left of this instance is killed.
            await RunPostfixAsync("stop", check: false);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (PostfixProcesses.Find(_slot.ConfigDirectory).Count > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }

        PostfixProcesses.KillAll(_slot.ConfigDirectory);
        _slot.Wipe();
        _slot.Dispose();
        _slot = null;
        _started = false;
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        if (_slot is { } slot)
        {
            PostfixProcesses.KillAll(slot.ConfigDirectory);
        }
    }
}
