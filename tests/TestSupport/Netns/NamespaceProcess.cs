using System.Diagnostics;
using System.Text;

namespace SmtpProbeHub.TestSupport.Netns;

/// <summary>
/// A long-running process started in a namespace with <c>ip netns exec NS …</c> (which execs the program, so the
/// process id is the program's own). Its output is kept for failure messages; dispose kills it.
/// </summary>
public sealed class NamespaceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NamespaceProcess(string name, string ns, Process process)
    {
        Name = name;
        Namespace = ns;
        _process = process;
    }

    /// <summary>A name for messages, e.g. "outside agent".</summary>
    public string Name { get; }

    /// <summary>The namespace it runs in.</summary>
    public string Namespace { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once it has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="file"/> in <paramref name="ns"/> with extra environment variables.</summary>
    public static NamespaceProcess Start(string name, string ns, string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(IpCommand.Ip)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in (string[])["netns", "exec", ns, file, .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var started = new NamespaceProcess(name, ns, process);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Everything it wrote so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Kills it and waits until it is gone.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or the namespace teardown kills it.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // Keep the tail only: agents and the hub log for the whole test run.
            if (_output.Length > 1_000_000)
            {
                _output.Remove(0, _output.Length - 500_000);
            }

            _output.AppendLine(line);
        }
    }
}
