namespace SmtpProbeHub.Probe.Model;

/// <summary>The documented defaults of a plan (the KB's own example values).</summary>
public static class ProbeDefaults
{
    /// <summary>The KB's sender.</summary>
    public const string From = "admin@test.com";

    /// <summary>The KB's EHLO name.</summary>
    public const string Helo = "test.com";

    /// <summary>The KB's subject.</summary>
    public const string Subject = "test message";

    /// <summary>The KB's body.</summary>
    public const string Body = "This is a test message";

    /// <summary>The header that carries the probe id in every test message.</summary>
    public const string ProbeIdHeader = "X-SmtpProbeHub-Probe-Id";
}
