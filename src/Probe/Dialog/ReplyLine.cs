using System.Text.RegularExpressions;

namespace SmtpProbeHub.Probe.Dialog;

/// <summary>One reply line: "250-text", "250 text" or a bare "250" (RFC 5321 §4.2.1).</summary>
internal static partial class ReplyLine
{
    public static bool TryParse(string line, out int code, out bool isLast, out string text)
    {
        code = 0;
        isLast = false;
        text = "";
        if (line.Length < 3 || line[0] is < '2' or > '5' || line[1] is < '0' or > '5' || !char.IsAsciiDigit(line[2]))
        {
            return false;
        }

        code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        if (line.Length == 3)
        {
            isLast = true;
            return true;
        }

        if (line[3] is not (' ' or '-'))
        {
            return false;
        }

        isLast = line[3] == ' ';
        text = line[4..];
        return true;
    }

    /// <summary>The RFC 3463 code at the start of the first line, when its class matches the reply's.</summary>
    public static string? EnhancedCode(int code, string firstLineText)
    {
        var match = EnhancedCodePattern().Match(firstLineText);
        return match.Success && match.Groups[1].Value[0] - '0' == code / 100 ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"^([245]\.\d{1,3}\.\d{1,3})(?:\s|$)")]
    private static partial Regex EnhancedCodePattern();
}
