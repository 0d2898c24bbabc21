using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Validation;

namespace SmtpProbeHub.Probe.Tests.Validation;

/// <summary>
/// Unicode line and paragraph separators, format (bidi, zero-width) and control characters are refused in every
/// one-line field, with the field named and the character's code point, never the value.
/// </summary>
public sealed class UnicodeControlsTests
{
    private static readonly ProbePlan Valid = new() { To = ["alice@corp.test"], Server = "mail.corp.test" };

    /// <summary>U+2028 line separator, U+2029 paragraph separator, U+202E right-to-left override, U+200B zero width space, U+FEFF byte order mark, U+0085 next line, U+D800 alone.</summary>
    public static TheoryData<string> Characters => ["\u2028", "\u2029", "\u202E", "\u200B", "\uFEFF", "\u0085", "\u200D", "\uD800"];

    public static TheoryData<string, string> FieldsAndCharacters
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var where in new[] { "from", "to[0]", "helo", "message.subject", "message.headers.X-Team", "header name", "auth.username", "dsn.envId", "probeId" })
            {
                foreach (var c in Characters)
                {
                    data.Add(where, c);
                }
            }

            return data;
        }
    }

    private static (ProbePlan Plan, string Field) With(string field, string c) => field switch
    {
        "from" => (Valid with { From = $"ad{c}min@test.com" }, "from"),
        "to[0]" => (Valid with { To = [$"alice{c}@corp.test"] }, "to[0]"),
        "helo" => (Valid with { Helo = $"test{c}.com" }, "helo"),
        "message.subject" => (Valid with { Message = new MessagePlan { Subject = $"hello{c}there" } }, "message.subject"),
        "message.headers.X-Team" => (Valid with { Message = new MessagePlan { Headers = new Dictionary<string, string> { ["X-Team"] = $"mail{c}ops" } } }, "message.headers.X-Team"),
        "header name" => (Valid with { Message = new MessagePlan { Headers = new Dictionary<string, string> { [$"X-Te{c}am"] = "v" } } }, "message.headers.X-Te?am"),
        "auth.username" => (Valid with { Auth = new AuthPlan { Username = $"al{c}ice", Password = "pw" } }, "auth.username"),
        "dsn.envId" => (Valid with { Dsn = new DsnPlan { EnvId = $"env{c}id" } }, "dsn.envId"),
        _ => (Valid with { ProbeId = $"probe{c}1" }, "probeId"),
    };

    [Theory]
    [MemberData(nameof(FieldsAndCharacters))]
    public void UnicodeControlOrFormatCharacter_IsRefused_NamingTheFieldAndTheCodePoint(string field, string c)
    {
        var (plan, path) = With(field, c);

        var error = Assert.Single(PlanValidator.Validate(plan));

        Assert.Equal((path, PlanErrorCodes.ControlCharacters), (error.Field, error.Code));
        Assert.Contains($"U+{(int)c[0]:X4}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(c, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\u2028")]
    [InlineData("\u2029")]
    [InlineData("\u0085")]
    [InlineData("\u0007")]
    [InlineData("\u001b[31m")]
    [InlineData("\0")]
    [InlineData("\u000C")]
    public void Body_WithSeparatorsOrControlsOtherThanTabCrLf_IsRefused(string c)
    {
        var error = Assert.Single(PlanValidator.Validate(Valid with { Message = new MessagePlan { Body = $"line one{c}line two" } }));

        Assert.Equal(("message.body", PlanErrorCodes.ControlCharacters), (error.Field, error.Code));
        Assert.Contains($"U+{(int)c[0]:X4}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Body_WithAnUnpairedSurrogate_IsRefused()
    {
        // Not as theory data: a lone surrogate does not survive the test framework's serialisation of its arguments.
        var error = Assert.Single(PlanValidator.Validate(Valid with { Message = new MessagePlan { Body = "broken \uDC00 text" } }));

        Assert.Equal(("message.body", PlanErrorCodes.ControlCharacters), (error.Field, error.Code));
        Assert.Contains("U+DC00 (an unpaired surrogate)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tab\there")]
    [InlineData("unix\nmac\rdos\r\nlines")]
    [InlineData("Schöne Grüße, 你好")]
    [InlineData("family 👨\u200D👩\u200D👧 emoji")]
    [InlineData("שלום\u200F (right-to-left mark)")]
    [InlineData("soft\u00ADhyphen and U+202E \u202E reversed")]
    public void Body_OrdinaryTextWithTabsLineEndsAndFormatCharacters_IsAccepted(string body)
    {
        Assert.Empty(PlanValidator.Validate(Valid with { Message = new MessagePlan { Body = body } }));
    }

    [Theory]
    [InlineData("Grüße aus Köln")]
    [InlineData("tab\tinside")]
    [InlineData("你好")]
    public void Subject_NonAsciiAndTab_IsAccepted(string subject)
    {
        Assert.Empty(PlanValidator.Validate(Valid with { Message = new MessagePlan { Subject = subject } }));
    }

    [Theory]
    [InlineData("bücher.test")]
    [InlineData("mail.bücher.test")]
    [InlineData("пример.test")]
    public void Helo_InternationalizedName_IsAccepted(string helo)
    {
        Assert.Empty(PlanValidator.Validate(Valid with { Helo = helo }));
    }

    [Theory]
    [InlineData("b\u00A0cher.test")]
    [InlineData("bü\u3000cher.test")]
    [InlineData("bü\uFF0Echer.test")]
    public void Helo_NonAsciiThatIsNoValidIdn_IsAnInvalidHostname(string helo)
    {
        var error = Assert.Single(PlanValidator.Validate(Valid with { Helo = helo }));

        Assert.Equal(("helo", PlanErrorCodes.InvalidHostname), (error.Field, error.Code));
    }

    [Fact]
    public void Address_WithANonAsciiDomainThatIsNoValidIdn_IsInvalid()
    {
        Assert.Empty(PlanValidator.Validate(Valid with { To = ["jörg@bücher.test"] }));
        var error = Assert.Single(PlanValidator.Validate(Valid with { To = ["alice@b\u00A0cher.test"] }));

        Assert.Equal(("to[0]", PlanErrorCodes.InvalidAddress), (error.Field, error.Code));
    }

    [Fact]
    public void Password_MayHoldAnythingButNul()
    {
        // A password is not a line of the dialog: it only travels base64-encoded, so any character it holds is the user's.
        Assert.Empty(PlanValidator.Validate(Valid with { Auth = new AuthPlan { Username = "alice", Password = "p\u202Ew\u2028ö\t" } }));
    }
}
