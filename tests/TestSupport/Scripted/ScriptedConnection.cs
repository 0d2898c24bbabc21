namespace SmtpProbeHub.TestSupport.Scripted;

/// <summary>What one client connection sent to the scripted server.</summary>
public sealed class ScriptedConnection
{
    private readonly List<string> _lines = [];
    private readonly List<string> _messages = [];
    private readonly MemoryStream _bytes = new();
    private readonly Lock _lock = new();

    /// <summary>Every line received, in order (commands, AUTH responses and message lines).</summary>
    public IReadOnlyList<string> Lines
    {
        get { lock (_lock) { return [.. _lines]; } }
    }

    /// <summary>The commands received (lines outside DATA).</summary>
    public IReadOnlyList<string> Commands
    {
        get { lock (_lock) { return [.. _commands]; } }
    }

    /// <summary>Each message received after DATA, as sent (dot-stuffed lines joined with CRLF, without the final ".").</summary>
    public IReadOnlyList<string> Messages
    {
        get { lock (_lock) { return [.. _messages]; } }
    }

    /// <summary>Every byte received, exactly as read (after TLS decryption), CR and LF included: what the client put on the wire.</summary>
    public byte[] ReceivedBytes
    {
        get { lock (_lock) { return _bytes.ToArray(); } }
    }

    /// <summary>True once TLS is on.</summary>
    public bool IsTls { get; internal set; }

    private readonly List<string> _commands = [];

    internal void AddLine(string line, bool command)
    {
        lock (_lock)
        {
            _lines.Add(line);
            if (command)
            {
                _commands.Add(line);
            }
        }
    }

    internal void AddBytes(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            _bytes.Write(bytes);
        }
    }

    internal void AddMessage(string message)
    {
        lock (_lock)
        {
            _messages.Add(message);
        }
    }
}
