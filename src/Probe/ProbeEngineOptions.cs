using System.Net;
using SmtpProbeHub.Probe.Targets;

namespace SmtpProbeHub.Probe;

/// <summary>Settings of the place the engine runs in (an agent), not of one probe.</summary>
public sealed record ProbeEngineOptions
{
    /// <summary>DNS servers with port; empty means the system's resolvers.</summary>
    public IReadOnlyList<IPEndPoint> DnsServers { get; init; } = [];

    /// <summary>Longest reply line accepted, in bytes (RFC 5321 §4.5.3.1.5 says 512; servers exceed it).</summary>
    public int MaxReplyLineBytes { get; init; } = 4096;

    /// <summary>Most lines in one multi-line reply.</summary>
    public int MaxReplyLines { get; init; } = 256;

    /// <summary>
    /// Where this engine may connect (the agent's own policy). Checked on every resolved address right before
    /// connecting; a hub's policy for a run can narrow it (<see cref="IProbeRunner.RunAsync(Model.ProbePlan, TargetPolicy?, Model.IProbeObserver?, CancellationToken)"/>), never widen it.
    /// </summary>
    public TargetPolicy Targets { get; init; } = TargetPolicy.Default;

    /// <summary>Most bytes read from one connection in all.</summary>
    public long MaxBytesRead { get; init; } = 1024 * 1024;

    /// <summary>
    /// Most bytes of message body lines the transcript records (the headers are always recorded in full); the
    /// rest of the body is sent whole but recorded as one info line with its line count, size and SHA-256.
    /// </summary>
    public int MaxTranscriptBodyBytes { get; init; } = 64 * 1024;
}
