using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Validation;

namespace SmtpProbeHub.Probe.Tests.Validation;

public sealed class PlanValidatorTests
{
    private static readonly ProbePlan Valid = new() { To = ["alice@corp.test"], Server = "mail.corp.test" };

    private static PlanError Single(ProbePlan plan) => Assert.Single(PlanValidator.Validate(plan));

    [Fact]
    public void DefaultPlan_IsValid()
    {
        Assert.Empty(PlanValidator.Validate(Valid));
        Assert.Empty(PlanValidator.Validate(new ProbePlan { To = ["alice@corp.test"] }));
    }

    [Theory]
    [InlineData("alice@corp.test\r\nRCPT TO:<evil@x.test>")]
    [InlineData("alice@corp.test\n")]
    [InlineData("ali\0ce@corp.test")]
    [InlineData("ali\u0007ce@corp.test")]
    public void Recipient_WithControlCharacters_IsRefusedWithItsIndex(string bad)
    {
        var error = Single(Valid with { To = ["ok@corp.test", bad] });

        Assert.Equal(("to[1]", "control_characters"), (error.Field, error.Code));
        Assert.DoesNotContain("evil", error.Message);
    }

    [Theory]
    [InlineData("plainaddress")]
    [InlineData("@corp.test")]
    [InlineData("alice@")]
    [InlineData("al ice@corp.test")]
    [InlineData("alice@corp..test")]
    [InlineData("alice@-corp.test")]
    [InlineData("<alice@corp.test>")]
    [InlineData("alice..b@corp.test")]
    [InlineData("alice@[300.1.1.1]")]
    public void Recipient_Malformed_IsInvalidAddress(string bad)
    {
        var error = Single(Valid with { To = [bad] });

        Assert.Equal(("to[0]", "invalid_address"), (error.Field, error.Code));
    }

    [Theory]
    [InlineData("alice@corp.test")]
    [InlineData("first.last+tag@sub.corp.test")]
    [InlineData("\"quoted name\"@corp.test")]
    [InlineData("alice@[192.0.2.1]")]
    [InlineData("alice@[IPv6:2001:db8::1]")]
    [InlineData("jörg@bücher.test")]
    public void Recipient_ValidForms_AreAccepted(string good)
    {
        Assert.Empty(PlanValidator.Validate(Valid with { To = [good] }));
    }

    [Fact]
    public void Address_TooLong_AndLocalPartTooLong_AreTooLong()
    {
        var longDomain = string.Join('.', Enumerable.Repeat(new string('d', 60), 5)) + ".test";
        Assert.Equal("too_long", Single(Valid with { To = ["a@" + longDomain] }).Code);
        Assert.Equal("too_long", Single(Valid with { To = [new string('l', 65) + "@corp.test"] }).Code);
    }

    [Fact]
    public void Recipients_NoneOrOverAHundred_AreRefused()
    {
        Assert.Equal(("to", "required"), (Single(Valid with { To = [] }).Field, Single(Valid with { To = [] }).Code));
        var many = Enumerable.Range(0, 101).Select(i => $"u{i}@corp.test").ToList();
        Assert.Equal("too_many", Single(Valid with { To = many }).Code);
        Assert.Empty(PlanValidator.Validate(Valid with { To = many.Take(100).ToList() }));
    }

    [Fact]
    public void From_EmptyIsTheNullReversePath_ButControlCharactersAreRefused()
    {
        Assert.Empty(PlanValidator.Validate(Valid with { From = "" }));
        Assert.Equal(("from", "control_characters"), (Single(Valid with { From = "a@b.test\r\nDATA" }).Field, Single(Valid with { From = "a@b.test\r\nDATA" }).Code));
    }

    [Theory]
    [InlineData("test.com\r\nMAIL FROM:<x@y>", "control_characters")]
    [InlineData("", "required")]
    [InlineData("has space.test", "invalid_hostname")]
    [InlineData("under_score.test", "invalid_hostname")]
    public void Helo_Bad_IsRefused(string helo, string code)
    {
        var error = Single(Valid with { Helo = helo });

        Assert.Equal(("helo", code), (error.Field, error.Code));
    }

    [Fact]
    public void Helo_TooLong_IsTooLong_AndAddressLiteralIsFine()
    {
        Assert.Equal("too_long", Single(Valid with { Helo = new string('h', 256) }).Code);
        Assert.Empty(PlanValidator.Validate(Valid with { Helo = "[192.0.2.1]" }));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("[192.0.2.1]")]
    [InlineData("mail.corp.test")]
    [InlineData("mail.corp.test.")]
    public void Server_HostNamesAndIpLiterals_AreAccepted(string server)
    {
        Assert.Empty(PlanValidator.Validate(Valid with { Server = server }));
    }

    [Theory]
    [InlineData("mail.corp.test\r\n", "control_characters")]
    [InlineData("mail corp", "invalid_hostname")]
    [InlineData("http://mail.corp.test", "invalid_hostname")]
    public void Server_Bad_IsRefused(string server, string code)
    {
        Assert.Equal(("server", code), (Single(Valid with { Server = server }).Field, Single(Valid with { Server = server }).Code));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    [InlineData(-1)]
    public void Port_OutsideRange_IsOutOfRange(int port)
    {
        Assert.Equal(("port", "out_of_range"), (Single(Valid with { Port = port }).Field, Single(Valid with { Port = port }).Code));
    }

    [Fact]
    public void Subject_WithNewline_IsRefused_AndTooLongIsTooLong()
    {
        var injected = Valid with { Message = new MessagePlan { Subject = "hi\r\nBcc: everyone@corp.test" } };
        Assert.Equal(("message.subject", "control_characters"), (Single(injected).Field, Single(injected).Code));
        Assert.Equal("too_long", Single(Valid with { Message = new MessagePlan { Subject = new string('s', 999) } }).Code);
    }

    [Theory]
    [InlineData("X-Foo", "a\r\nb", "message.headers.X-Foo", "control_characters")]
    [InlineData("X Foo", "v", "message.headers.X Foo", "invalid_header_name")]
    [InlineData("X-Foo:", "v", "message.headers.X-Foo:", "invalid_header_name")]
    [InlineData("X-Fo\no", "v", "message.headers.X-Fo?o", "control_characters")]
    [InlineData("X-SmtpProbeHub-Probe-Id", "forged", "message.headers.X-SmtpProbeHub-Probe-Id", "reserved_header")]
    [InlineData("subject", "second subject", "message.headers.subject", "reserved_header")]
    public void Headers_Bad_AreRefusedWithTheirPath(string name, string value, string field, string code)
    {
        var plan = Valid with { Message = new MessagePlan { Headers = new Dictionary<string, string> { [name] = value } } };

        var error = Single(plan);

        Assert.Equal((field, code), (error.Field, error.Code));
    }

    [Fact]
    public void Headers_TooMany_AndBodyTooLarge_AreRefused()
    {
        var headers = Enumerable.Range(0, 51).ToDictionary(i => $"X-H{i}", i => "v");
        Assert.Equal("too_many", Single(Valid with { Message = new MessagePlan { Headers = headers } }).Code);
        Assert.Equal(("message.body", "too_long"), (Single(Valid with { Message = new MessagePlan { Body = new string('b', PlanLimits.MaxBodyLength + 1) } }).Field, "too_long"));
    }

    [Theory]
    [InlineData(0, "timeouts.connectSeconds")]
    [InlineData(double.NaN, "timeouts.connectSeconds")]
    [InlineData(601, "timeouts.connectSeconds")]
    public void Timeouts_OutOfRange_AreNamed(double seconds, string field)
    {
        var error = Single(Valid with { Timeouts = new ProbeTimeouts { ConnectSeconds = seconds } });

        Assert.Equal((field, "out_of_range"), (error.Field, error.Code));
    }

    [Fact]
    public void CommandAndTotalTimeouts_AreCheckedToo()
    {
        Assert.Equal("timeouts.commandSeconds", Single(Valid with { Timeouts = new ProbeTimeouts { CommandSeconds = -5 } }).Field);
        Assert.Equal("timeouts.totalSeconds", Single(Valid with { Timeouts = new ProbeTimeouts { TotalSeconds = 4000 } }).Field);
    }

    [Fact]
    public void Auth_PasswordErrors_NeverEchoThePassword()
    {
        var plan = Valid with { Auth = new AuthPlan { Username = "u\r\n", Password = "se\0cret" } };

        var errors = PlanValidator.Validate(plan);

        Assert.Equal(["auth.username", "auth.password"], errors.Select(e => e.Field));
        Assert.All(errors, e => Assert.Equal("control_characters", e.Code));
        Assert.DoesNotContain(errors, e => e.Message.Contains("cret", StringComparison.Ordinal));
    }

    [Fact]
    public void Dsn_NeverWithOthers_IsAnInvalidCombination_AndEnvIdMustBePrintable()
    {
        Assert.Equal(("dsn.notify", "invalid_combination"), (Single(Valid with { Dsn = new DsnPlan { Notify = [DsnNotify.Never, DsnNotify.Success] } }).Field, "invalid_combination"));
        Assert.Equal("invalid_characters", Single(Valid with { Dsn = new DsnPlan { EnvId = "é" } }).Code);
        Assert.Equal("control_characters", Single(Valid with { Dsn = new DsnPlan { EnvId = "a\r\nb" } }).Code);
    }

    [Fact]
    public void Dsn_ReturnPathIsCheckedLikeAnyAddress_AndTheWaitIsBounded()
    {
        Assert.Equal("dsn.returnPath", Single(Valid with { Dsn = new DsnPlan { ReturnPath = "probe@returns.test>\r\nRCPT TO:<x@y.z" } }).Field);
        Assert.Equal("dsn.returnPath", Single(Valid with { Dsn = new DsnPlan { ReturnPath = "no-at-sign" } }).Field);
        Assert.Equal(("dsn.waitSeconds", "out_of_range"), (Single(Valid with { Dsn = new DsnPlan { Confirm = true, WaitSeconds = 0 } }) is var e ? (e.Field, e.Code) : default));
        Assert.Empty(PlanValidator.Validate(Valid with { Dsn = new DsnPlan { Confirm = true, WaitSeconds = 600, ReturnPath = "probe+a.b@returns.test" } }));
    }

    [Fact]
    public void UndefinedEnums_AreOutOfRange()
    {
        Assert.Equal("quitAfter", Single(Valid with { QuitAfter = (StepName)99 }).Field);
        Assert.Equal("tls", Single(Valid with { Tls = (TlsMode)99 }).Field);
    }

    [Fact]
    public void ProbeId_WithSpacesOrNewlines_IsRefused()
    {
        Assert.Equal("invalid_characters", Single(Valid with { ProbeId = "a b" }).Code);
        Assert.Equal("control_characters", Single(Valid with { ProbeId = "a\r\nBcc: x" }).Code);
    }

    [Fact]
    public void NullsFromADeserializedRequest_AreRequiredErrors_NotExceptions()
    {
        var plan = new ProbePlan { To = null!, From = null!, Helo = null!, Message = null!, Timeouts = null!, ProbeId = null! };

        var errors = PlanValidator.Validate(plan);

        Assert.Equal(["to", "from", "helo", "message", "timeouts", "probeId"], errors.Select(e => e.Field));
        Assert.All(errors, e => Assert.Equal("required", e.Code));
    }
}
