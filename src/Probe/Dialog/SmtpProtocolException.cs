namespace SmtpProbeHub.Probe.Dialog;

/// <summary>
/// The transport or the server broke the protocol (garbage, over-long reply, closed mid-reply).
/// A refusal (4xx/5xx) is never one of these: that is a reply.
/// </summary>
internal sealed class SmtpProtocolException(string diagnosisCode, string message) : Exception(message)
{
    /// <summary>The diagnosis code, e.g. "protocol.violation".</summary>
    public string DiagnosisCode { get; } = diagnosisCode;

    /// <summary>What the peer sent, as the transcript may show it, when the reader did not record it line by line.</summary>
    public string? Received { get; init; }
}
