using System.Security.Cryptography;

namespace SmtpProbeHub.Agent.Worker;

/// <summary>
/// The agent's stable id and its own key: made once, kept in the data directory, the same after every restart.
/// The hub pins the id to the key at enrolment, so another holder of the same token cannot take the id over; the
/// key never leaves this machine except in the connection's metadata, and the hub keeps only its digest.
/// </summary>
internal static class AgentIdentity
{
    public const string FileName = "agent-id";
    public const string KeyFileName = "agent-key";

    public static string LoadOrCreate(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (Guid.TryParseExact(existing, "D", out _))
            {
                return existing;
            }

            throw new InvalidOperationException($"{path} does not hold an agent id; delete it to make a new one");
        }

        WriteOnce(path, Guid.NewGuid().ToString("D"), secret: false);
        return File.ReadAllText(path).Trim();
    }

    /// <summary>The agent's key (43 characters of base64url, 256 random bits), made at first use, readable by its owner only.</summary>
    public static string LoadOrCreateKey(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, KeyFileName);
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length >= 32 && existing.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return existing;
            }

            throw new InvalidOperationException($"{path} does not hold an agent key; delete it only together with {FileName} (the hub knows the id by its key)");
        }

        WriteOnce(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'), secret: true);
        return File.ReadAllText(path).Trim();
    }

    /// <summary>Write then rename, so a crash never leaves a half-written file; a concurrent first start keeps the first one.</summary>
    private static void WriteOnce(string path, string content, bool secret)
    {
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (secret && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new StreamWriter(temp, System.Text.Encoding.ASCII, options))
        {
            file.Write(content + "\n");
        }

        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
        }
    }
}
