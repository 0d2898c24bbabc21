namespace SmtpProbeHub.Probe.Model;

/// <summary>One line of the transcript, as a person would have seen it in telnet.</summary>
/// <param name="AtMs">Milliseconds since the probe started.</param>
/// <param name="Direction">Who the line came from.</param>
/// <param name="Text">The line, without CRLF; AUTH secrets are already redacted.</param>
public sealed record TranscriptEntry(double AtMs, TranscriptDirection Direction, string Text);
