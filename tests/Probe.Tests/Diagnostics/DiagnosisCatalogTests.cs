using SmtpProbeHub.Probe.Diagnostics;

namespace SmtpProbeHub.Probe.Tests.Diagnostics;

public sealed class DiagnosisCatalogTests
{
    [Fact]
    public void EveryCodeConstant_HasASummaryAndAHint()
    {
        var codes = typeof(DiagnosisCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetValue(null)!).ToList();

        Assert.NotEmpty(codes);
        Assert.All(codes, code =>
        {
            Assert.Contains(code, DiagnosisCatalog.KnownCodes);
            var diagnosis = DiagnosisCatalog.Describe(code);
            Assert.Equal(code, diagnosis.Code);
            Assert.False(string.IsNullOrWhiteSpace(diagnosis.Summary));
            Assert.False(string.IsNullOrWhiteSpace(diagnosis.Hint));
        });
    }

    [Theory]
    [InlineData("ehlo.timeout", "EHLO")]
    [InlineData("mail.unrecognized", "MAIL")]
    [InlineData("rcpt.temporary", "RCPT")]
    [InlineData("data.rejected", "DATA")]
    public void StepFamilies_NameTheStep(string code, string step)
    {
        var diagnosis = DiagnosisCatalog.Describe(code);

        Assert.Contains(step, diagnosis.Summary, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(diagnosis.Hint));
    }

    [Fact]
    public void KbWording_ForRefusedAndUnrecognised()
    {
        Assert.Contains("is the SMTP service started", DiagnosisCatalog.Describe("connect.refused").Hint, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("is this an SMTP server, or a proxy in the way", DiagnosisCatalog.Describe("mail.unrecognized").Hint, StringComparison.Ordinal);
        Assert.Contains("firewall", DiagnosisCatalog.Describe("connect.timeout").Hint, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Detail_IsAppendedToTheSummary_AndShortened()
    {
        var diagnosis = DiagnosisCatalog.Describe("rcpt.unknown_user", "RCPT TO:<x@y>: 550 5.1.1 " + new string('z', 500));

        Assert.Contains("550 5.1.1", diagnosis.Summary, StringComparison.Ordinal);
        Assert.True(diagnosis.Summary.Length < 400);
    }
}
