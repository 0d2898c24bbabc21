namespace SmtpProbeHub.Probe.Validation;

/// <summary>One problem with a probe plan. Messages never echo the value (it may be a secret or hostile).</summary>
/// <param name="Field">JSON path of the field, e.g. "to[1]", "helo", "message.headers.X-Foo", "timeouts.commandSeconds".</param>
/// <param name="Code">A stable code from <see cref="PlanErrorCodes"/>.</param>
/// <param name="Message">What is wrong, in plain words.</param>
public sealed record PlanError(string Field, string Code, string Message);
