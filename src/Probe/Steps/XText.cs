using System.Text;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>RFC 3461 §4 xtext: printable ASCII except "+" and "=" as is, everything else as "+HH".</summary>
internal static class XText
{
    public static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= (byte)'!' and <= (byte)'~' && b != (byte)'+' && b != (byte)'=')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('+').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
