using SmtpProbeHub.Probe.Model;
using static SmtpProbeHub.Probe.Validation.PlanErrorCodes;

namespace SmtpProbeHub.Probe.Validation;

/// <summary>
/// Checks a plan before anything is sent. The hub answers 400 with these errors; the engine refuses the
/// same plans with "input.invalid". Non-ASCII addresses are valid here: they need SMTPUTF8 at run time.
/// </summary>
public static class PlanValidator
{
    /// <summary>Every problem found, empty when the plan may run.</summary>
    public static IReadOnlyList<PlanError> Validate(ProbePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var errors = new List<PlanError>();
        ValidateEnvelope(plan, errors);
        ValidateHosts(plan, errors);
        if (plan.Auth is { } auth)
        {
            OptionsValidator.ValidateAuth(auth, errors);
        }

        if (plan.Dsn is { } dsn)
        {
            OptionsValidator.ValidateDsn(dsn, errors);
        }

        MessageValidator.Validate(plan.Message, errors);
        ValidateTimeouts(plan.Timeouts, errors);
        ValidateText("probeId", plan.ProbeId, PlanLimits.MaxProbeIdLength, errors, required: true);
        if (plan.ProbeId is { } id && !Syntax.HasControlCharacters(id) && id.Any(c => c is <= ' ' or > '~'))
        {
            errors.Add(new("probeId", InvalidCharacters, "the probe id must be printable ASCII without spaces"));
        }

        if (!Enum.IsDefined(plan.QuitAfter))
        {
            errors.Add(new("quitAfter", OutOfRange, "unknown step name"));
        }

        if (!Enum.IsDefined(plan.Tls))
        {
            errors.Add(new("tls", OutOfRange, "expected none, opportunistic, required or implicit"));
        }

        return errors;
    }

    private static void ValidateEnvelope(ProbePlan plan, List<PlanError> errors)
    {
        if (plan.To is null || plan.To.Count == 0)
        {
            errors.Add(new("to", Required, "at least one recipient is required"));
        }
        else if (plan.To.Count > PlanLimits.MaxRecipients)
        {
            errors.Add(new("to", TooMany, $"at most {PlanLimits.MaxRecipients} recipients"));
        }
        else
        {
            for (var i = 0; i < plan.To.Count; i++)
            {
                AddAddressError($"to[{i}]", plan.To[i], errors);
            }
        }

        // An empty sender is the null reverse-path "<>" (bounces), which is legitimate.
        if (plan.From is null)
        {
            errors.Add(new("from", Required, "the sender is required (use an empty string for the null reverse-path)"));
        }
        else if (plan.From.Length > 0)
        {
            AddAddressError("from", plan.From, errors);
        }
    }

    private static void AddAddressError(string field, string? address, List<PlanError> errors)
    {
        if (string.IsNullOrEmpty(address))
        {
            errors.Add(new(field, Required, "the address is empty"));
        }
        else if (Syntax.CheckAddress(address) is { } problem)
        {
            errors.Add(new(field, problem.Code, problem.Message));
        }
    }

    private static void ValidateHosts(ProbePlan plan, List<PlanError> errors)
    {
        // A non-ASCII HELO name is sent in A-labels (EHLO comes before the server can say SMTPUTF8), so it must be a valid IDN.
        if (ValidateText("helo", plan.Helo, PlanLimits.MaxHostLength, errors, required: true)
            && !(Syntax.IsDomain(plan.Helo) && Syntax.ToAsciiHost(plan.Helo) is { Length: <= PlanLimits.MaxHostLength }) && !Syntax.IsAddressLiteral(plan.Helo))
        {
            errors.Add(new("helo", InvalidHostname, "expected a host name (e.g. test.com, or an internationalized name such as bücher.test) or an address literal (e.g. [192.0.2.1])"));
        }

        if (plan.Server is { } server && ValidateText("server", server, PlanLimits.MaxHostLength, errors, required: true)
            && Syntax.ParseIp(server) is null && !Syntax.IsDomain(server.TrimEnd('.')))
        {
            errors.Add(new("server", InvalidHostname, "expected a host name or an IP address"));
        }

        if (plan.Port is { } port && port is < 1 or > 65535)
        {
            errors.Add(new("port", OutOfRange, "the port must be between 1 and 65535"));
        }
    }

    private static void ValidateTimeouts(ProbeTimeouts? timeouts, List<PlanError> errors)
    {
        if (timeouts is null)
        {
            errors.Add(new("timeouts", Required, "timeouts are required"));
            return;
        }

        Range("timeouts.connectSeconds", timeouts.ConnectSeconds, PlanLimits.MaxStepSeconds);
        Range("timeouts.bannerSeconds", timeouts.BannerSeconds, PlanLimits.MaxStepSeconds);
        Range("timeouts.commandSeconds", timeouts.CommandSeconds, PlanLimits.MaxStepSeconds);
        Range("timeouts.messageSeconds", timeouts.MessageSeconds, PlanLimits.MaxStepSeconds);
        Range("timeouts.totalSeconds", timeouts.TotalSeconds, PlanLimits.MaxTotalSeconds);

        void Range(string field, double seconds, double max)
        {
            if (double.IsNaN(seconds) || seconds < PlanLimits.MinSeconds || seconds > max)
            {
                errors.Add(new(field, OutOfRange, $"must be between {PlanLimits.MinSeconds} and {max} seconds"));
            }
        }
    }

    /// <summary>Checks presence, control characters and length; true when the text passed.</summary>
    internal static bool ValidateText(string field, string? text, int maxLength, List<PlanError> errors, bool required, bool allowTab = false)
    {
        if (string.IsNullOrEmpty(text))
        {
            if (required)
            {
                errors.Add(new(field, Required, "a value is required"));
            }

            return false;
        }

        if (UnsafeCharacters.Find(text, allowTab) is { } refused)
        {
            errors.Add(new(field, ControlCharacters, $"contains {refused}: CR, LF, NUL, other control and format characters (e.g. U+200B, U+202E, U+FEFF) and line or paragraph separators (U+2028, U+2029) are not allowed"));
            return false;
        }

        if (text.Length > maxLength)
        {
            errors.Add(new(field, TooLong, $"at most {maxLength} characters"));
            return false;
        }

        return true;
    }
}
