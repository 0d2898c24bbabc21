namespace SmtpProbeHub.Api.Probes.Validation;

/// <summary>One invalid field: its JSON path (e.g. "to[1]"), a stable code and a message.</summary>
internal sealed record FieldError(string Field, string Code, string Message);
