using System.Diagnostics;
using System.Globalization;
using SmtpProbeHub.TestSupport.Netns;
using SmtpProbeHub.TestSupport.Peers;

namespace SmtpProbeHub.TestSupport.Processes;

/// <summary>A line a child process wrote, with the <see cref="Stopwatch"/> timestamp it was read at.</summary>
public readonly record struct OutputLine(string Text, long Timestamp);

/// <summary>
/// A long-running process the tests and the benchmark start (hub, agent): its output is drained as it comes (a full pipe
/// would stall it) and kept line by line, a line can be awaited, and on dispose it is killed with its children.
/// A built <c>.dll</c> is run as <c>dotnet X.dll</c>, from its own folder (its appsettings.json), as installed.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly int? _keptLines;
    private readonly Queue<string> _output = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<OutputLine> Seen)> _waiters = [];
    private readonly Lock _lock = new();

    private ChildProcess(Process process, string name, int? keptLines)
    {
        _process = process;
        Name = name;
        _keptLines = keptLines;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Stopwatch timestamp taken just before the process was started.</summary>
    public long StartedAt { get; private set; }

    /// <summary>The lines written so far (standard output and error, as they came); the last ones only when a limit was set.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_lock)
            {
                return [.. _output];
            }
        }
    }

    public string Text => string.Join('\n', Output);

    /// <summary>
    /// Starts <paramref name="fileName"/> with console logs on one line each in the Production environment, plus
    /// <paramref name="environment"/>; <paramref name="keptLines"/> bounds the output kept (a benchmark's hub writes a lot).
    /// In <paramref name="networkNamespace"/> it runs through <c>ip netns exec</c>, which execs the program, so the
    /// process id is still the program's own.
    /// </summary>
    public static ChildProcess Start(
        string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null, int? keptLines = null, string? networkNamespace = null)
    {
        var dll = fileName.EndsWith(".dll", StringComparison.Ordinal);
        string[] command = [.. networkNamespace is null ? [] : new[] { "netns", "exec", networkNamespace }, .. dll ? new[] { "dotnet" } : [], fileName];
        var info = new ProcessStartInfo(networkNamespace is null ? command[0] : IpCommand.Ip)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(fileName) ?? "",
        };
        foreach (var argument in command.Skip(networkNamespace is null ? 1 : 0).Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var child = new ChildProcess(new Process { StartInfo = info, EnableRaisingEvents = true }, name, keptLines);
        child._process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        child.StartedAt = Stopwatch.GetTimestamp();
        child._process.Start();
        child._process.StandardInput.Close();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for an output line that matches (one already written counts); throws with the output when none comes in time or the process ends.</summary>
    public async Task<OutputLine> WaitForLineAsync(Func<string, bool> match, TimeSpan? within = null)
    {
        var timeout = within ?? TimeSpan.FromSeconds(20);
        var seen = new TaskCompletionSource<OutputLine>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_output.FirstOrDefault(match) is { } line)
            {
                return new OutputLine(line, Stopwatch.GetTimestamp());
            }

            _waiters.Add((match, seen));
        }

        var exited = _process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var first = await Task.WhenAny(seen.Task, exited, Task.Delay(timeout, TestContext.Current.CancellationToken));
        if (first == seen.Task)
        {
            return await seen.Task;
        }

        lock (_lock)
        {
            _waiters.RemoveAll(w => w.Seen == seen);
        }

        throw new TimeoutException($"{Name} {(first == exited ? "exited without writing" : "did not write")} the line awaited within {timeout.TotalSeconds:0} s; output:\n{Text}");
    }

    /// <summary>SIGKILL: no chance to clean up, as when a machine dies or the OOM killer strikes.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Waits for the process to end by itself; its exit code.</summary>
    public async Task<int> ExitCodeAsync(double seconds = 30)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>Sends a signal (STOP, CONT, …) to the process.</summary>
    public Task SignalAsync(string signal) =>
        ProcessRunner.RunAsync("/bin/kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));

    /// <summary>SIGTERM, as systemd stops a service; waits for the process to exit.</summary>
    public async Task<int> StopAsync(double seconds = 40)
    {
        if (!_process.HasExited)
        {
            await SignalAsync("TERM");
        }

        return await ExitCodeAsync(seconds);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        var at = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            _output.Enqueue(line);
            if (_output.Count > _keptLines)
            {
                _output.Dequeue();
            }

            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                waiter.Seen.TrySetResult(new OutputLine(line, at));
                _waiters.Remove(waiter);
            }
        }
    }
}
