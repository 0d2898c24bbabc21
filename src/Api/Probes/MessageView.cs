namespace SmtpProbeHub.Api.Probes;

/// <summary>
/// The test message as the hub keeps it. The agents sent the whole body; the hub stores at most
/// Hub:Storage:MaxStoredBodyBytes of it (<c>bodyTruncated</c> then true), and <c>bodyBytes</c> and <c>bodySha256</c>
/// are always those of the whole body as submitted, so what was sent stays verifiable.
/// </summary>
public sealed record MessageView
{
    /// <summary>The Subject header.</summary>
    public required string Subject { get; init; }

    /// <summary>Extra headers (name → value).</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The body; only its start (Hub:Storage:MaxStoredBodyBytes, cut at a character boundary) when bodyTruncated.</summary>
    public required string Body { get; init; }

    /// <summary>True when only the start of the body is stored and shown.</summary>
    public required bool BodyTruncated { get; init; }

    /// <summary>Size of the whole body in UTF-8 bytes.</summary>
    public required long BodyBytes { get; init; }

    /// <summary>SHA-256 of the whole body's UTF-8 bytes, lower-case hex.</summary>
    public required string BodySha256 { get; init; }
}
