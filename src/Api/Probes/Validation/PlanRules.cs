using System.Net;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Probes.Validation;

/// <summary>
/// INTERIM copy of the plan rules until the engine's PlanValidator lands on main; then this file goes and
/// <see cref="ProbeRequestValidator"/> calls the engine's validator, so there is one set of rules.
/// </summary>
internal static class PlanRules
{
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEnumerable<FieldError> Validate(ProbePlan plan)
    {
        if (plan.From.Length > 0 && !IsAddress(plan.From))
        {
            yield return new("from", "invalid_address", "from must be an address like admin@test.com (or \"\" for <>), without spaces or control characters.");
        }

        for (var i = 0; i < plan.To.Count; i++)
        {
            if (!IsAddress(plan.To[i]))
            {
                yield return new($"to[{i}]", "invalid_address", "Each recipient must be an address like alice@corp.test, without spaces or control characters.");
            }
        }

        if (plan.Server is { } server && !IsHostOrIp(server))
        {
            yield return new("server", "invalid_host", "server must be a host name or an IP address.");
        }

        if (plan.Port is < 1 or > 65535)
        {
            yield return new("port", "out_of_range", "port must be between 1 and 65535.");
        }

        if (!IsHostOrIp(plan.Helo))
        {
            yield return new("helo", "invalid_host", "helo must be a host name or an IP address.");
        }

        if (plan.Auth is { } auth)
        {
            if (auth.Username.Length is 0 or > 256 || HasControl(auth.Username))
            {
                yield return new("auth.username", "invalid", "auth.username must be 1–256 characters without control characters.");
            }

            if (auth.Password.Length is 0 or > 256 || HasControl(auth.Password))
            {
                yield return new("auth.password", "invalid", "auth.password must be 1–256 characters without control characters.");
            }
        }

        if (plan.Dsn?.EnvId is { } envId && (envId.Length is 0 or > 100 || envId.Any(c => c is < '!' or > '~')))
        {
            yield return new("dsn.envId", "invalid", "dsn.envId must be 1–100 printable ASCII characters without spaces.");
        }

        if (HasControl(plan.Message.Subject) || plan.Message.Subject.Length > 998)
        {
            yield return new("message.subject", "invalid", "message.subject must be one line (no CR/LF or control characters), at most 998 characters.");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(plan.Message.Body) > MaxBodyBytes || plan.Message.Body.Any(c => char.IsControl(c) && c is not ('\r' or '\n' or '\t')))
        {
            yield return new("message.body", "invalid", $"message.body must be text of at most {MaxBodyBytes} bytes.");
        }

        foreach (var (name, value) in plan.Message.Headers)
        {
            if (name.Length is 0 or > 76 || name.Any(c => c is < '!' or > '~' or ':'))
            {
                yield return new($"message.headers.{name}", "invalid_name", "A header name is 1–76 printable ASCII characters without ':' or spaces.");
            }
            else if (HasControl(value) || value.Length > 998)
            {
                yield return new($"message.headers.{name}", "invalid_value", "A header value is one line without control characters.");
            }
        }

        foreach (var (field, value, max) in new[]
        {
            ("timeouts.connectSeconds", plan.Timeouts.ConnectSeconds, 300.0),
            ("timeouts.bannerSeconds", plan.Timeouts.BannerSeconds, 600.0),
            ("timeouts.commandSeconds", plan.Timeouts.CommandSeconds, 600.0),
            ("timeouts.messageSeconds", plan.Timeouts.MessageSeconds, 1800.0),
            ("timeouts.totalSeconds", plan.Timeouts.TotalSeconds, 3600.0),
        })
        {
            if (double.IsNaN(value) || value < 0.1 || value > max)
            {
                yield return new(field, "out_of_range", $"{field} must be between 0.1 and {max}.");
            }
        }
    }

    private static bool HasControl(string value) => value.Any(char.IsControl);

    private static bool IsAddress(string value)
    {
        var at = value.LastIndexOf('@');
        return value.Length <= 254 && at > 0 && at < value.Length - 1 && !value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '<' or '>')
            && IsHostOrIp(value[(at + 1)..]);
    }

    private static bool IsHostOrIp(string value)
    {
        if (IPAddress.TryParse(value.Trim('[', ']'), out _))
        {
            return !HasControl(value);
        }

        return value.Length is > 0 and <= 253 && value.Split('.').All(label =>
            label.Length is > 0 and <= 63 && label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') && label[0] != '-' && label[^1] != '-');
    }
}
