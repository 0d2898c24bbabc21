using System.Text.RegularExpressions;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SmtpProbeHub.Contracts.V1;

namespace SmtpProbeHub.Agent.Worker;

/// <summary>
/// Results the hub has not acknowledged yet, one file per run under <c>DataDirectory/results</c>.
/// A result is written before it is sent and deleted only on the hub's ack, so a crash, a dropped
/// stream or a hub restart never loses one (at-least-once; the hub de-duplicates by run id).
/// Results carry no secrets: the engine redacts AUTH in the transcript and the plan is not kept.
/// The file is written to the page cache, not fsync'd: it survives the agent crashing or being killed, which is
/// what at-least-once has to cover. An fsync took ~8 ms on every result here (bench/, issue 6), on the path of
/// every probe; what it adds (surviving a kernel crash or power loss) the hub covers anyway: that run becomes
/// agentLost, an honest outcome, never a wrong result.
/// </summary>
internal sealed partial class ResultSpool
{
    private const string Extension = ".result";
    private readonly string _directory;
    private readonly ILogger _log;
    private readonly Lock _gate = new();

    public ResultSpool(string dataDirectory, ILogger<ResultSpool> log)
    {
        _directory = Path.Combine(dataDirectory, "results");
        _log = log;
        Directory.CreateDirectory(_directory);
    }

    /// <summary>True when a run id is safe to use as a file name (the hub sends it; it is checked, not trusted).</summary>
    public static bool IsValidRunId(string runId) => RunIdPattern().IsMatch(runId);

    public void Save(RunResult result)
    {
        var path = PathOf(result.RunId);
        var temp = path + ".tmp";
        lock (_gate)
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                result.WriteTo(file);
                file.Flush(flushToDisk: false);
            }
            File.Move(temp, path, overwrite: true);
        }
    }

    public RunResult? TryLoad(string runId)
    {
        var path = PathOf(runId);
        lock (_gate)
        {
            return File.Exists(path) ? Read(path) : null;
        }
    }

    /// <summary>Every result still waiting for an ack, oldest first.</summary>
    public IReadOnlyList<RunResult> LoadAll()
    {
        lock (_gate)
        {
            return new DirectoryInfo(_directory).GetFiles("*" + Extension)
                .OrderBy(f => f.LastWriteTimeUtc)
                .Select(f => Read(f.FullName))
                .OfType<RunResult>()
                .ToList();
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return Directory.GetFiles(_directory, "*" + Extension).Length;
            }
        }
    }

    /// <summary>Forgets an acknowledged result; false when it was not (or no longer) kept.</summary>
    public bool Delete(string runId)
    {
        if (!IsValidRunId(runId))
        {
            return false;
        }

        var path = PathOf(runId);
        lock (_gate)
        {
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            return true;
        }
    }

    private RunResult? Read(string path)
    {
        try
        {
            return RunResult.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (InvalidProtocolBufferException ex)
        {
            // Keep the bytes for a person to look at, but never send them again.
            _log.LogError("Spooled result {File} is unreadable and is set aside: {Error}", Path.GetFileName(path), ex.Message);
            File.Move(path, path + ".bad", overwrite: true);
            return null;
        }
    }

    private string PathOf(string runId) =>
        IsValidRunId(runId)
            ? Path.Combine(_directory, runId + Extension)
            : throw new ArgumentException($"run id is not a safe file name", nameof(runId));

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex RunIdPattern();
}
