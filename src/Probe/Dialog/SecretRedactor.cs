using System.Text;

namespace SmtpProbeHub.Probe.Dialog;

/// <summary>
/// Masks registered secrets (in clear and base64 forms) in every line the connection records, in
/// both directions, so a secret cannot leak even when a server echoes it back.
/// </summary>
internal sealed class SecretRedactor
{
    public const string Mask = "***";

    private readonly List<string> _secrets = [];

    public void Register(string secret)
    {
        if (secret.Length == 0)
        {
            return;
        }

        _secrets.Add(secret);
        _secrets.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)));
        // Longest first so a secret inside a longer registered form is not half-masked.
        _secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
    }

    public void RegisterEncoded(string base64) => Register(base64);

    public string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }
}
