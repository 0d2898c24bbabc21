namespace SmtpProbeHub.Contracts.Mapping;

/// <summary>A wire message that cannot be read (missing field, unreadable model JSON).</summary>
public sealed class WireFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WireFormatException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
