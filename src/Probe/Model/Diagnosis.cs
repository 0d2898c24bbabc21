namespace SmtpProbeHub.Probe.Model;

/// <summary>What went wrong, in plain words.</summary>
/// <param name="Code">A stable code, e.g. "connect.timeout" or "rcpt.unknown_user".</param>
/// <param name="Summary">One line: what happened.</param>
/// <param name="Hint">What a mail administrator can do about it.</param>
public sealed record Diagnosis(string Code, string Summary, string Hint);
