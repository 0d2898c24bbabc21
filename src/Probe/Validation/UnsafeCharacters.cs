using System.Buffers;
using System.Globalization;
using System.Text;

namespace SmtpProbeHub.Probe.Validation;

/// <summary>
/// Characters a plan's text fields may not carry. In a one-line field (address, HELO name, subject, header, AUTH user
/// name, ENVID) every control character (Cc: CR, LF, NUL, U+0085 NEL, …), format character (Cf: U+200B zero width
/// space, U+202E right-to-left override, U+FEFF byte order mark, …), line or paragraph separator (Zl U+2028, Zp U+2029)
/// and unpaired surrogate is refused: they can start a new line or command where some parser sees one, or make the
/// text show something else than what is sent (a reversed or invisible part of an address or subject).
/// </summary>
/// <remarks>
/// The body is free text, so it is judged differently (<see cref="FindInBody"/>): TAB, CR and LF are ordinary there
/// (CR and LF are normalised to CRLF when the message is composed), and format characters are allowed because real
/// text needs them (the zero width joiner in emoji sequences, the right-to-left mark in Arabic or Hebrew text); they
/// travel inside the message, never as protocol. Other control characters, U+2028, U+2029 and U+0085 are refused:
/// they are line ends to Unicode, JavaScript and many log viewers but not to SMTP, so a line the user sees would not be
/// a line on the wire. Refusing says so; silently turning them into CRLF would change the text behind the user's back.
/// </remarks>
internal static class UnsafeCharacters
{
    /// <summary>The first character a one-line field may not carry, as "U+202E (a format character)", or null.</summary>
    public static string? Find(string text, bool allowTab = false) =>
        FindWhere(text, rune => !(allowTab && rune.Value == '\t') && IsRefusedInLine(rune));

    /// <summary>The first character the body may not carry, or null (see the type's remarks).</summary>
    public static string? FindInBody(string text) =>
        FindWhere(text, rune => rune.Value is not ('\t' or '\r' or '\n') && Rune.GetUnicodeCategory(rune)
            is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator);

    private static bool IsRefusedInLine(Rune rune) => Rune.GetUnicodeCategory(rune)
        is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static string? FindWhere(string text, Func<Rune, bool> refused)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != OperationStatus.Done)
            {
                return $"U+{(int)rest[0]:X4} (an unpaired surrogate)";
            }

            if (refused(rune))
            {
                return $"U+{rune.Value:X4} ({Kind(rune)})";
            }

            rest = rest[used..];
        }

        return null;
    }

    private static string Kind(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control => "a control character",
        UnicodeCategory.Format => "a format character",
        UnicodeCategory.LineSeparator => "a line separator",
        _ => "a paragraph separator",
    };
}
