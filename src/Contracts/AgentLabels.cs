using System.Text.RegularExpressions;

namespace SmtpProbeHub.Contracts;

/// <summary>
/// Agent labels: <c>key=value</c> pairs with a restricted alphabet, so they are safe in logs, URLs and
/// selectors. The agent checks its own at start; the hub checks every hello against the same rules.
/// </summary>
public static partial class AgentLabels
{
    /// <summary>Most labels one agent may carry.</summary>
    public const int MaxLabels = 32;

    /// <summary>Parses "zone=inside" (as given to <c>--label</c>).</summary>
    public static KeyValuePair<string, string> Parse(string text)
    {
        var eq = text.IndexOf('=');
        if (eq <= 0)
        {
            throw new FormatException($"label '{Printable(text)}' is not key=value");
        }

        var pair = KeyValuePair.Create(text[..eq].Trim(), text[(eq + 1)..].Trim());
        if (Problem(pair.Key, pair.Value) is { } problem)
        {
            throw new FormatException(problem);
        }

        return pair;
    }

    /// <summary>Null when every label is acceptable, else why not.</summary>
    public static string? Problem(IReadOnlyDictionary<string, string> labels)
    {
        if (labels.Count > MaxLabels)
        {
            return $"at most {MaxLabels} labels";
        }

        foreach (var (key, value) in labels)
        {
            if (Problem(key, value) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? Problem(string key, string value)
    {
        if (!KeyPattern().IsMatch(key))
        {
            return $"label key '{Printable(key)}' must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit";
        }

        if (!ValuePattern().IsMatch(value))
        {
            return $"label value of '{key}' must be 1-63 letters, digits, '.', '_' or '-'";
        }

        return null;
    }

    internal static string Printable(string text) => Regex.Replace(text, @"[^\x20-\x7E]", "?");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,63}$")]
    private static partial Regex ValuePattern();
}
