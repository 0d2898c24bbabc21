using SmtpProbeHub.Probe.Model;
using static SmtpProbeHub.Probe.Validation.PlanErrorCodes;

namespace SmtpProbeHub.Probe.Validation;

/// <summary>Checks the test message: subject, extra headers (RFC 5322 §2.2) and body.</summary>
internal static class MessageValidator
{
    /// <summary>Headers the engine writes itself; letting a plan set them would make the probe lie about itself.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "MIME-Version",
        "Content-Type", "Content-Transfer-Encoding", ProbeDefaults.ProbeIdHeader,
    };

    public static void Validate(MessagePlan? message, List<PlanError> errors)
    {
        if (message is null)
        {
            errors.Add(new("message", Required, "the message is required"));
            return;
        }

        PlanValidator.ValidateText("message.subject", message.Subject, PlanLimits.MaxHeaderValueLength, errors, required: false, allowTab: true);
        ValidateHeaders(message.Headers ?? new Dictionary<string, string>(), errors);
        if (message.Body is { } body)
        {
            if (UnsafeCharacters.FindInBody(body) is { } refused)
            {
                errors.Add(new("message.body", ControlCharacters, $"the body contains {refused}: TAB, CR and LF are fine; other control characters, U+0085, U+2028 and U+2029 are not"));
            }
            else if (body.Length > PlanLimits.MaxBodyLength)
            {
                errors.Add(new("message.body", TooLong, $"at most {PlanLimits.MaxBodyLength} characters"));
            }
        }
    }

    private static void ValidateHeaders(IReadOnlyDictionary<string, string> headers, List<PlanError> errors)
    {
        if (headers.Count > PlanLimits.MaxHeaders)
        {
            errors.Add(new("message.headers", TooMany, $"at most {PlanLimits.MaxHeaders} headers"));
            return;
        }

        foreach (var (name, value) in headers)
        {
            var field = $"message.headers.{SafeName(name)}";
            if (string.IsNullOrEmpty(name))
            {
                errors.Add(new(field, Required, "a header name is required"));
            }
            else if (UnsafeCharacters.Find(name) is { } refused)
            {
                errors.Add(new(field, ControlCharacters, $"the header name contains {refused}: control and format characters and line separators are not allowed"));
            }
            else if (name.Length > PlanLimits.MaxHeaderNameLength)
            {
                errors.Add(new(field, TooLong, $"a header name has at most {PlanLimits.MaxHeaderNameLength} characters"));
            }
            else if (!name.All(c => c is >= '!' and <= '~' && c != ':'))
            {
                errors.Add(new(field, InvalidHeaderName, "a header name is printable ASCII without spaces or ':' (RFC 5322 ftext)"));
            }
            else if (Reserved.Contains(name))
            {
                errors.Add(new(field, ReservedHeader, "the probe sets this header itself"));
            }
            else
            {
                PlanValidator.ValidateText(field, value, PlanLimits.MaxHeaderValueLength, errors, required: false, allowTab: true);
            }
        }
    }

    /// <summary>The header name as it can appear in a field path without carrying control, format or separator characters along.</summary>
    private static string SafeName(string? name) =>
        string.IsNullOrEmpty(name) ? "" : new string([.. name.Take(PlanLimits.MaxHeaderNameLength).Select(c => Shown(c) ? c : '?')]);

    private static bool Shown(char c) => char.GetUnicodeCategory(c) is not (System.Globalization.UnicodeCategory.Control
        or System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.LineSeparator
        or System.Globalization.UnicodeCategory.ParagraphSeparator or System.Globalization.UnicodeCategory.Surrogate);
}
