namespace SmtpProbeHub.Probe.Validation;

/// <summary>The limits PlanValidator enforces (RFC 5321 §4.5.3.1 sizes and sane bounds for a test tool).</summary>
public static class PlanLimits
{
    /// <summary>Most recipients in one probe.</summary>
    public const int MaxRecipients = 100;
    /// <summary>Longest address (RFC 5321 path limit less the brackets).</summary>
    public const int MaxAddressLength = 254;
    /// <summary>Longest local part (RFC 5321 §4.5.3.1.1).</summary>
    public const int MaxLocalPartLength = 64;
    /// <summary>Longest host name (HELO, server).</summary>
    public const int MaxHostLength = 255;
    /// <summary>Longest subject or header value (RFC 5322 line limit).</summary>
    public const int MaxHeaderValueLength = 998;
    /// <summary>Longest header name.</summary>
    public const int MaxHeaderNameLength = 76;
    /// <summary>Most extra headers.</summary>
    public const int MaxHeaders = 50;
    /// <summary>Largest body, in characters.</summary>
    public const int MaxBodyLength = 1024 * 1024;
    /// <summary>Longest AUTH user name or password.</summary>
    public const int MaxCredentialLength = 256;
    /// <summary>Longest DSN ENVID (RFC 3461 §4.4: 100 characters).</summary>
    public const int MaxEnvIdLength = 100;
    /// <summary>Longest probe id.</summary>
    public const int MaxProbeIdLength = 128;
    /// <summary>Largest per-step timeout, in seconds.</summary>
    public const double MaxStepSeconds = 600;
    /// <summary>Largest total timeout, in seconds.</summary>
    public const double MaxTotalSeconds = 3600;
    /// <summary>Smallest timeout, in seconds.</summary>
    public const double MinSeconds = 0.1;
}
