namespace SmtpProbeHub.TestSupport.Postfix;

/// <summary>The log lines of one SMTP session, found by the HELO name the client sent.</summary>
/// <param name="Client">The client as Postfix logs it, e.g. <c>unknown[127.0.0.1]:40992</c>.</param>
/// <param name="Lines">Every smtpd line of the session, connect to disconnect.</param>
public sealed record PostfixSession(string Client, IReadOnlyList<string> Lines)
{
    /// <summary>The <c>disconnect from …</c> line, which counts the commands Postfix received.</summary>
    public string? Disconnect => Lines.LastOrDefault(l => l.Contains(": disconnect from ", StringComparison.Ordinal));

    /// <summary>The command counters of the disconnect line, e.g. <c>ehlo=1 mail=1 rcpt=1 quit=1 commands=4</c>.</summary>
    public string? Commands => Disconnect is { } d ? d[(d.IndexOf(Client, StringComparison.Ordinal) + Client.Length)..].Trim() : null;

    /// <summary>True when Postfix counted a command by this name (e.g. "data", "starttls").</summary>
    public bool Received(string command) =>
        Commands?.Split(' ').Any(c => c.StartsWith(command + "=", StringComparison.OrdinalIgnoreCase)) ?? false;
}
