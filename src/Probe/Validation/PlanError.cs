namespace SmtpProbeHub.Probe.Validation;

/// <summary>One problem with a probe plan. Messages never echo the value (it may be a secret or hostile).</summary>
/// <param name="Field">JSON path of the field, e.g. "to[1]", "helo", "message.headers.X-Foo", "timeouts.commandSeconds".</param>
/// <param name="Code">A stable code from <see cref="PlanErrorCodes"/>.</param>
/// <param name="Message">What is wrong, in plain words.</param>
public sealed record PlanError(string Field, string Code, string Message);

/// <summary>The stable codes of <see cref="PlanError"/>.</summary>
public static class PlanErrorCodes
{
    /// <summary>A required field is missing or empty.</summary>
    public const string Required = "required";
    /// <summary>CR, LF, NUL or another control character: it could inject SMTP commands or headers.</summary>
    public const string ControlCharacters = "control_characters";
    /// <summary>Longer than allowed.</summary>
    public const string TooLong = "too_long";
    /// <summary>More items than allowed.</summary>
    public const string TooMany = "too_many";
    /// <summary>Not a valid mail address.</summary>
    public const string InvalidAddress = "invalid_address";
    /// <summary>Not a valid host name or IP literal.</summary>
    public const string InvalidHostname = "invalid_hostname";
    /// <summary>Not a valid header name (RFC 5322 ftext).</summary>
    public const string InvalidHeaderName = "invalid_header_name";
    /// <summary>A header the probe sets itself and which cannot be overridden.</summary>
    public const string ReservedHeader = "reserved_header";
    /// <summary>A number or enum value outside its range.</summary>
    public const string OutOfRange = "out_of_range";
    /// <summary>Values that cannot go together (e.g. NOTIFY=NEVER with others).</summary>
    public const string InvalidCombination = "invalid_combination";
    /// <summary>Characters not allowed in this field.</summary>
    public const string InvalidCharacters = "invalid_characters";
}
