using System.Text;

namespace SmtpProbeHub.Probe.Dialog;

/// <summary>
/// Masks AUTH secrets in what the connection records, without corrupting anything else.
/// </summary>
/// <remarks>
/// What the probe sends with a secret in it is masked by construction: those lines are recorded as a mask
/// ("AUTH PLAIN ***"), never as sent. Everything else (replies, the message, other commands) is searched only for
/// exact forms of a secret that are long enough to mean something: the clear secret (any letter case), its UTF-8 bytes
/// in hex (any case), its base64 at each of the three alignments it can have inside a longer base64 text, and the
/// exact strings the probe sent (the PLAIN response). Shorter ones are left alone: masking every "2" of a one-character
/// password would turn "235 2.7.0" into "***35 ***.7.0", which corrupts the transcript and shows the secret as well.
/// </remarks>
internal sealed class SecretRedactor
{
    public const string Mask = "***";

    /// <summary>Shorter forms are not searched for: they would match unrelated text.</summary>
    public const int MinimumLength = 6;

    private readonly List<(string Form, StringComparison Comparison)> _forms = [];

    /// <summary>A secret in clear (the password): its clear, hex and base64 forms are masked when it is long enough.</summary>
    public void Register(string secret)
    {
        if (secret.Length < MinimumLength)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(secret);
        Add(secret, StringComparison.OrdinalIgnoreCase);
        Add(Convert.ToHexString(bytes), StringComparison.OrdinalIgnoreCase);
        Add(Convert.ToBase64String(bytes), StringComparison.Ordinal);
        for (var offset = 0; offset < 3; offset++)
        {
            Add(Base64Core(bytes, offset), StringComparison.Ordinal);
        }
    }

    /// <summary>An exact string the probe sent that carries a secret (e.g. the base64 PLAIN response).</summary>
    public void RegisterSentForm(string form)
    {
        if (form.Length >= MinimumLength)
        {
            Add(form, StringComparison.Ordinal);
        }
    }

    /// <summary>The text with every registered form masked; text without one is returned as it is.</summary>
    public string Redact(string text)
    {
        if (_forms.Count == 0 || text.Length == 0)
        {
            return text;
        }

        var hidden = new bool[text.Length];
        var any = false;
        foreach (var (form, comparison) in _forms)
        {
            for (var at = text.IndexOf(form, comparison); at >= 0; at = text.IndexOf(form, at + 1, comparison))
            {
                hidden.AsSpan(at, form.Length).Fill(true);
                any = true;
            }
        }

        if (!any)
        {
            return text;
        }

        // Overlapping or adjacent matches become one mask, so no piece of a secret is left between two masks.
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (!hidden[i])
            {
                builder.Append(text[i]);
            }
            else if (i == 0 || !hidden[i - 1])
            {
                builder.Append(Mask);
            }
        }

        return builder.ToString();
    }

    private void Add(string form, StringComparison comparison)
    {
        if (form.Length >= MinimumLength && !_forms.Contains((form, comparison)))
        {
            _forms.Add((form, comparison));
        }
    }

    /// <summary>
    /// The base64 characters that depend on <paramref name="bytes"/> alone when they follow <paramref name="offset"/>
    /// other bytes and are followed by more: how the secret looks inside any longer base64 text ("user:password").
    /// </summary>
    private static string Base64Core(byte[] bytes, int offset)
    {
        var encoded = Convert.ToBase64String([.. new byte[offset], .. bytes]).TrimEnd('=');
        var skip = offset switch { 0 => 0, 1 => 2, _ => 3 };
        var total = offset + bytes.Length;
        var keep = total / 3 * 4 + (total % 3) switch { 0 => 0, 1 => 1, _ => 2 };
        return keep > skip ? encoded[skip..keep] : "";
    }
}
