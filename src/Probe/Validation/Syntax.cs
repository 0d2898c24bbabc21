using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SmtpProbeHub.Probe.Validation;

/// <summary>Strict syntax checks for addresses and host names (RFC 5321 §4.1.2, RFC 6531 for non-ASCII).</summary>
internal static class Syntax
{
    private const string AtextSpecials = "!#$%&'*+-/=?^_`{|}~";

    public static bool HasControlCharacters(string text, bool allowTab = false) =>
        text.Any(c => char.IsControl(c) && !(allowTab && c == '\t'));

    public static bool IsAscii(string text) => Ascii.IsValid(text);

    /// <summary>Null when valid, else (code, message).</summary>
    public static (string Code, string Message)? CheckAddress(string address)
    {
        if (HasControlCharacters(address))
        {
            return (PlanErrorCodes.ControlCharacters, "the address contains control characters (CR, LF, NUL, …)");
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

        return IsDomain(domain) || IsAddressLiteral(domain)
            ? null
            : (PlanErrorCodes.InvalidAddress, "the domain is not a valid host name or address literal");
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
