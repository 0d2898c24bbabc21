using System.Diagnostics;

namespace SmtpProbeHub.Benchmarks.Harness;

/// <summary>
/// A long-running process the benchmark starts (hub, agent): output is drained (a full pipe would stall it)
/// and kept in a short ring for error messages; waits for a line; killed with its children on dispose.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int KeptLines = 60;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly List<(string Text, TaskCompletionSource<long> Seen)> _waiters = [];
    private readonly Lock _lock = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>Stopwatch timestamp taken just before the process was started.</summary>
    public long StartedAt { get; private set; }

    /// <summary>Pairs "K=V;K=V" from an environment variable such as BENCH_AGENT_ENV, for runtime settings tried without a rebuild.</summary>
    public static Dictionary<string, string> EnvironmentFrom(string variable) =>
        (Environment.GetEnvironmentVariable(variable) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv.ElementAtOrDefault(1) ?? "");

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(fileName) ?? "",
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var child = new ChildProcess(new Process { StartInfo = info }, name);
        child._process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        child.StartedAt = Stopwatch.GetTimestamp();
        child._process.Start();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for an output line containing <paramref name="text"/>; returns the Stopwatch timestamp it was read at.</summary>
    public async Task<long> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_tail.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                return Stopwatch.GetTimestamp();
            }

            _waiters.Add((text, seen));
        }

        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(seen.Task, exited, Task.Delay(timeout));
        if (first == seen.Task)
        {
            return await seen.Task;
        }

        throw new InvalidOperationException($"{Name} {(first == exited ? "exited" : "did not say")} \"{text}\" within {timeout.TotalSeconds:0}s. Last output:{Environment.NewLine}{Tail()}");
    }

    public string Tail()
    {
        lock (_lock)
        {
            return string.Join(Environment.NewLine, _tail);
        }
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
            _tail.Enqueue(line);
            if (_tail.Count > KeptLines)
            {
                _tail.Dequeue();
            }

            foreach (var waiter in _waiters.Where(w => line.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                waiter.Seen.TrySetResult(at);
                _waiters.Remove(waiter);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
        }

        _process.Dispose();
    }
}
