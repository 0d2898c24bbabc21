using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SmtpProbeHub.Probe.Validation;

/// <summary>Strict syntax checks for addresses and host names (RFC 5321 §4.1.2, RFC 6531 for non-ASCII).</summary>
internal static class Syntax
{
    private const string AtextSpecials = "!#$%&'*+-/=?^_`{|}~";

    private static readonly IdnMapping Idna = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    /// <summary>Control, format or separator characters, or unpaired surrogates (see <see cref="UnsafeCharacters"/>).</summary>
    public static bool HasControlCharacters(string text, bool allowTab = false) => UnsafeCharacters.Find(text, allowTab) is not null;

    /// <summary>
    /// The host name in A-labels ("bücher.test" → "xn--bcher-kva.test", RFC 5890), ASCII names as they are; null when
    /// a non-ASCII name is not a valid IDN. What goes into EHLO/HELO, which is sent before the server can say SMTPUTF8.
    /// </summary>
    public static string? ToAsciiHost(string host)
    {
        if (IsAscii(host))
        {
            return host;
        }

        // The engine runs with invariant globalization, where IdnMapping only encodes (Punycode) and checks little,
        // so the characters are checked here: beyond ASCII, IDNA 2008 labels hold letters, combining marks and digits
        // (RFC 5892), never spaces, punctuation such as U+FF0E or symbols.
        foreach (var rune in host.EnumerateRunes())
        {
            if (rune.Value > 0x7f && Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.LowercaseLetter or UnicodeCategory.UppercaseLetter
                or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.DecimalDigitNumber))
            {
                return null;
            }
        }

        try
        {
            var ascii = Idna.GetAscii(host.ToLowerInvariant());
            return IsAscii(ascii) && IsDomain(ascii) ? ascii : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public static bool IsAscii(string text) => Ascii.IsValid(text);

    /// <summary>Null when valid, else (code, message).</summary>
    public static (string Code, string Message)? CheckAddress(string address)
    {
        if (UnsafeCharacters.Find(address) is { } refused)
        {
            return (PlanErrorCodes.ControlCharacters, $"the address contains {refused}: control and format characters and line separators are not allowed");
        }

        if (address.Length > PlanLimits.MaxAddressLength)
        {
            return (PlanErrorCodes.TooLong, $"the address is longer than {PlanLimits.MaxAddressLength} characters");
        }

        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            return (PlanErrorCodes.InvalidAddress, "expected local-part@domain");
        }

        var local = address[..at];
        var domain = address[(at + 1)..];
        if (Encoding.UTF8.GetByteCount(local) > PlanLimits.MaxLocalPartLength)
        {
            return (PlanErrorCodes.TooLong, $"the local part is longer than {PlanLimits.MaxLocalPartLength} octets");
        }

        if (!IsDotAtom(local) && !IsQuotedString(local))
        {
            return (PlanErrorCodes.InvalidAddress, "the local part is not a valid dot-atom or quoted string");
        }

        return (IsDomain(domain) && ToAsciiHost(domain) is not null) || IsAddressLiteral(domain)
            ? null
            : (PlanErrorCodes.InvalidAddress, "the domain is not a valid host name (or internationalized domain name) or address literal");
    }

    /// <summary>A host name ("mail.example", IDN labels allowed) without a trailing dot.</summary>
    public static bool IsDomain(string text)
    {
        if (text.Length is 0 or > 253)
        {
            return false;
        }

        foreach (var label in text.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-'
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c > '\u007f'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>"[192.0.2.1]" or "[IPv6:2001:db8::1]" (RFC 5321 §4.1.3).</summary>
    public static bool IsAddressLiteral(string text)
    {
        if (text.Length < 3 || text[0] != '[' || text[^1] != ']')
        {
            return false;
        }

        var inner = text[1..^1];
        if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.TryParse(inner[5..], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6;
        }

        return IPAddress.TryParse(inner, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork && inner.Count(c => c == '.') == 3;
    }

    /// <summary>The IP address a server or literal names, if it is one ("127.0.0.1", "::1", "[192.0.2.1]", "[IPv6:::1]").</summary>
    public static IPAddress? ParseIp(string text)
    {
        var inner = text.Length > 2 && text[0] == '[' && text[^1] == ']' ? text[1..^1] : text;
        if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
        {
            inner = inner[5..];
        }

        // IPAddress.TryParse accepts "1" or "1.2" as IPv4; only dotted quads and IPv6 count here.
        return IPAddress.TryParse(inner, out var address)
               && (address.AddressFamily == AddressFamily.InterNetworkV6 || inner.Count(c => c == '.') == 3)
            ? address
            : null;
    }

    private static bool IsDotAtom(string text) =>
        text.Split('.').All(atom => atom.Length > 0 && atom.All(c => char.IsAsciiLetterOrDigit(c) || AtextSpecials.Contains(c) || c > '\u007f'));

    private static bool IsQuotedString(string text)
    {
        if (text.Length < 2 || text[0] != '"' || text[^1] != '"')
        {
            return false;
        }

        for (var i = 1; i < text.Length - 1; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                i++;
                if (i >= text.Length - 1 || text[i] is < ' ' or > '~')
                {
                    return false;
                }
            }
            else if (c == '"' || (c < ' ' && c != '\t'))
            {
                return false;
            }
        }

        return true;
    }
}
