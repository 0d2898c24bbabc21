using System.Text;
using SmtpProbeHub.Probe.Dialog;

namespace SmtpProbeHub.Probe.Tests.Dialog;

public sealed class SecretRedactorTests
{
    private const string Secret = "Tr0ub4dor&3";

    private static SecretRedactor With(string secret, params string[] sentForms)
    {
        var redactor = new SecretRedactor();
        redactor.Register(secret);
        foreach (var form in sentForms)
        {
            redactor.RegisterSentForm(form);
        }

        return redactor;
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData("235 2.7.0 Authentication successful")]
    [InlineData("Date: Wed, 02 Dec 2026 02:12:22 +0000")]
    [InlineData("250 2.0.0 Ok: queued as 4ABC123DEF")]
    public void OneCharacterSecret_LeavesUnrelatedTextIntact(string text)
    {
        var redactor = With("2", B64("\0alice\02"));

        Assert.Equal(text, redactor.Redact(text));
    }

    [Fact]
    public void OneCharacterSecret_ItsExactSentForm_IsStillMasked()
    {
        var plain = B64("\0alice\02");

        Assert.Equal("535 5.7.8 you sent *** which is wrong", With("2", plain).Redact($"535 5.7.8 you sent {plain} which is wrong"));
    }

    public static TheoryData<string> WholeEchoes => new()
    {
        Secret,
        Secret.ToUpperInvariant(),
        Secret.ToLowerInvariant(),
        "tR0UB4DOR&3",
        Convert.ToHexString(Encoding.UTF8.GetBytes(Secret)),
        Convert.ToHexString(Encoding.UTF8.GetBytes(Secret)).ToLowerInvariant(),
        B64(Secret),
    };

    [Theory]
    [MemberData(nameof(WholeEchoes))]
    public void LongSecret_EchoedInClearAnyCaseHexOrBase64_IsMaskedWhole_AndTheRestKept(string echo)
    {
        Assert.Equal("535-5.7.8 got [***] end", With(Secret).Redact($"535-5.7.8 got [{echo}] end"));
    }

    /// <summary>
    /// The secret inside a longer base64 text: every character that depends on the secret alone is masked; what is
    /// left is the other text's own characters and at most one character on each side that mixes a few bits of both.
    /// </summary>
    public static TheoryData<string, string> EmbeddedEchoes => new()
    {
        { B64("x" + Secret + "y"), "eF***eQ==" },
        { B64("xy" + Secret + "z"), "eHl***3o=" },
        { B64("alice:" + Secret), "YWxpY2U6***" },
        { B64("\0bob\0" + Secret), "AGJvYgB***w==" },
        { B64(Secret + "\r\n"), "***MNCg==" },
    };

    [Theory]
    [MemberData(nameof(EmbeddedEchoes))]
    public void LongSecret_InsideALongerBase64Text_IsMaskedAtEachAlignment(string echo, string expected)
    {
        Assert.Equal($"535-5.7.8 got [{expected}] end", With(Secret).Redact($"535-5.7.8 got [{echo}] end"));
    }

    [Theory]
    [InlineData("Tr0ub4")]
    [InlineData("dor&3 and Tr0ub")]
    [InlineData("250-AUTH PLAIN LOGIN")]
    public void LongSecret_DoesNotTouchPartsOrUnrelatedText(string text)
    {
        Assert.Equal(text, With(Secret).Redact(text));
    }

    [Fact]
    public void OverlappingForms_BecomeOneMask()
    {
        Assert.Equal("a *** b", With(Secret).Redact($"a {Secret}{Secret.ToUpperInvariant()} b"));
    }

    [Fact]
    public void FiveCharacterSecret_IsNotSearchedFor_ButSixIs()
    {
        Assert.Equal("code 12345 ok", With("12345").Redact("code 12345 ok"));
        Assert.Equal("code *** ok", With("123456").Redact("code 123456 ok"));
    }
}
