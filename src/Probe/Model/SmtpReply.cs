using System.Text.Json.Serialization;

namespace SmtpProbeHub.Probe.Model;

/// <summary>An SMTP reply: a three-digit code, the RFC 3463 enhanced code when present, and its text lines.
/// Only those three are in JSON (the contract's reply shape); the helpers below are derived.</summary>
/// <param name="Code">The reply code, e.g. 250.</param>
/// <param name="EnhancedCode">The enhanced status code, e.g. "2.1.0", or null.</param>
/// <param name="Lines">The text of each line after the code and separator, e.g. "2.1.0 Ok".</param>
public sealed record SmtpReply(int Code, string? EnhancedCode, IReadOnlyList<string> Lines)
{
    /// <summary>2xx.</summary>
    [JsonIgnore]
    public bool IsPositive => Code is >= 200 and < 300;

    /// <summary>3xx (e.g. 354, 334).</summary>
    [JsonIgnore]
    public bool IsIntermediate => Code is >= 300 and < 400;

    /// <summary>4xx.</summary>
    [JsonIgnore]
    public bool IsTransientNegative => Code is >= 400 and < 500;

    /// <summary>5xx.</summary>
    [JsonIgnore]
    public bool IsPermanentNegative => Code is >= 500 and < 600;

    /// <summary>The lines joined by a space, for summaries.</summary>
    [JsonIgnore]
    public string Text => string.Join(' ', Lines);
}
