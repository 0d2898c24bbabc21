namespace SmtpProbeHub.Probe.Model;

/// <summary>
/// What a probe observed: the dialog, the server, DNS, EHLO and TLS. Declared once, here: the engine's
/// <see cref="ProbeResult"/> and the hub's REST run (which adds its status and timing) both derive from it, so a field
/// added here reaches the wire contract's JSON and the REST API without a copy to update.
/// </summary>
public abstract record ProbeObservations
{
    /// <summary>The first step that failed, or null.</summary>
    public StepName? FailedStep { get; init; }

    /// <summary>Why it failed (or why the run ended without a result), in plain words; null when passed.</summary>
    public Diagnosis? Diagnosis { get; init; }

    /// <summary>The server talked to (or last tried).</summary>
    public ServerEndpoint? Server { get; init; }

    /// <summary>The steps in order (those seen so far when a run did not complete).</summary>
    public IReadOnlyList<ProbeStep> Steps { get; init; } = [];

    /// <summary>Every line sent and received, and notes, in order.</summary>
    public IReadOnlyList<TranscriptEntry> Transcript { get; init; } = [];

    /// <summary>What DNS answered, when a lookup was made.</summary>
    public ResolutionReport? Resolution { get; init; }

    /// <summary>The EHLO capabilities (after STARTTLS when TLS was used).</summary>
    public EhloCapabilities? Capabilities { get; init; }

    /// <summary>TLS details when a handshake was made.</summary>
    public TlsReport? Tls { get; init; }

    /// <summary>The queue id from the 250 reply to the final ".", when one was recognised.</summary>
    public string? QueueId { get; init; }
}

/// <summary>What one probe saw: built once by the engine, stored and returned as is.</summary>
public sealed record ProbeResult : ProbeObservations
{
    /// <summary>Passed when every step that ran ended as expected.</summary>
    public required Verdict Verdict { get; init; }

    /// <summary>Total time, resolve to QUIT.</summary>
    public double DurationMs { get; init; }
}

/// <summary>The overall verdict of one run.</summary>
public enum Verdict
{
    /// <summary>Every step that ran ended as expected.</summary>
    Passed,
    /// <summary>A step failed; see failedStep and diagnosis.</summary>
    Failed,
}

/// <summary>What went wrong, in plain words.</summary>
/// <param name="Code">A stable code, e.g. "connect.timeout" or "rcpt.unknown_user".</param>
/// <param name="Summary">One line: what happened.</param>
/// <param name="Hint">What a mail administrator can do about it.</param>
public sealed record Diagnosis(string Code, string Summary, string Hint);

/// <summary>The server the probe talked to (or last tried).</summary>
/// <param name="Host">The host name (MX name, or the server given), or the IP literal.</param>
/// <param name="Address">
/// The IP address connected to; when connecting failed, the address whose attempt the diagnosis describes (e.g. the
/// one that timed out). Null when no address was tried: DNS failed, or the target policy refused every address.
/// </param>
/// <param name="Port">The TCP port.</param>
public sealed record ServerEndpoint(string Host, string? Address, int Port);

/// <summary>What DNS answered.</summary>
/// <param name="Domain">The name looked up (recipient domain for MX, or the server name).</param>
/// <param name="ImplicitMx">True when no MX existed and the domain's own A/AAAA were used (RFC 5321 §5.1).</param>
/// <param name="Hosts">The mail hosts in the order they are tried.</param>
public sealed record ResolutionReport(string Domain, bool ImplicitMx, IReadOnlyList<MailHost> Hosts);

/// <summary>A mail host and its addresses.</summary>
/// <param name="Name">The host name.</param>
/// <param name="Preference">The MX preference, or null when not from an MX record.</param>
/// <param name="Addresses">Its IPv4 and IPv6 addresses.</param>
public sealed record MailHost(string Name, int? Preference, IReadOnlyList<string> Addresses);
