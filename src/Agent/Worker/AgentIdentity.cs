namespace SmtpProbeHub.Agent.Worker;

/// <summary>The agent's stable id: made once, kept in the data directory, the same after every restart.</summary>
internal static class AgentIdentity
{
    public const string FileName = "agent-id";

    public static string LoadOrCreate(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (Guid.TryParseExact(existing, "D", out _))
                return existing;
            throw new InvalidOperationException($"{path} does not hold an agent id; delete it to make a new one");
        }

        var id = Guid.NewGuid().ToString("D");
        // Write then rename, so a crash never leaves a half-written id behind.
        var temp = path + ".tmp";
        File.WriteAllText(temp, id + "\n");
        File.Move(temp, path, overwrite: false);
        return id;
    }
}
