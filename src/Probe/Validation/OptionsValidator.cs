using SmtpProbeHub.Probe.Model;
using static SmtpProbeHub.Probe.Validation.PlanErrorCodes;

namespace SmtpProbeHub.Probe.Validation;

/// <summary>Checks the optional parts of a plan: AUTH credentials and DSN parameters.</summary>
internal static class OptionsValidator
{
    public static void ValidateAuth(AuthPlan auth, List<PlanError> errors)
    {
        PlanValidator.ValidateText("auth.username", auth.Username, PlanLimits.MaxCredentialLength, errors, required: true);
        if (string.IsNullOrEmpty(auth.Password))
        {
            errors.Add(new("auth.password", Required, "the password is required"));
        }
        else if (auth.Password.Length > PlanLimits.MaxCredentialLength)
        {
            errors.Add(new("auth.password", TooLong, $"at most {PlanLimits.MaxCredentialLength} characters"));
        }
        else if (auth.Password.Contains('\0', StringComparison.Ordinal))
        {
            // PLAIN separates its fields with NUL (RFC 4616).
            errors.Add(new("auth.password", ControlCharacters, "the password must not contain NUL"));
        }

        if (!Enum.IsDefined(auth.Mechanism))
        {
            errors.Add(new("auth.mechanism", OutOfRange, "expected plain or login"));
        }
    }

    public static void ValidateDsn(DsnPlan dsn, List<PlanError> errors)
    {
        var notify = dsn.Notify ?? [];
        if (notify.Any(n => !Enum.IsDefined(n)))
        {
            errors.Add(new("dsn.notify", OutOfRange, "expected never, success, failure or delay"));
        }
        else if (notify.Contains(DsnNotify.Never) && notify.Count > 1)
        {
            errors.Add(new("dsn.notify", InvalidCombination, "never cannot be combined with other values (RFC 3461 §4.1)"));
        }

        if (dsn.Ret is { } ret && !Enum.IsDefined(ret))
        {
            errors.Add(new("dsn.ret", OutOfRange, "expected full or hdrs"));
        }

        if (dsn.EnvId is { } envId && PlanValidator.ValidateText("dsn.envId", envId, PlanLimits.MaxEnvIdLength, errors, required: true)
            && envId.Any(c => c is < ' ' or > '~'))
        {
            errors.Add(new("dsn.envId", InvalidCharacters, "the envelope id must be printable ASCII"));
        }

        if (dsn.WaitSeconds is { } wait && wait is < 1 or > DsnPlan.MaxWaitSeconds)
        {
            errors.Add(new("dsn.waitSeconds", OutOfRange, $"the wait for the report must be 1–{DsnPlan.MaxWaitSeconds} seconds"));
        }

        // The return path is an envelope address like from: same syntax and injection rules.
        if (dsn.ReturnPath is { } returnPath)
        {
            if (returnPath.Length == 0)
            {
                errors.Add(new("dsn.returnPath", Required, "the address is empty (leave returnPath out to use from)"));
            }
            else if (Syntax.CheckAddress(returnPath) is { } problem)
            {
                errors.Add(new("dsn.returnPath", problem.Code, problem.Message));
            }
        }
    }
}
