using SmtpProbeHub.Contracts;

namespace SmtpProbeHub.Contracts.Tests;

public sealed class AgentLabelsTests
{
    [Theory]
    [InlineData("zone=inside", "zone", "inside")]
    [InlineData(" site = fra1 ", "site", "fra1")]
    [InlineData("k8s.io_x-y=a.b_c-1", "k8s.io_x-y", "a.b_c-1")]
    public void Parse_KeyValue_GivesThePair(string text, string key, string value)
    {
        Assert.Equal(KeyValuePair.Create(key, value), AgentLabels.Parse(text));
    }

    [Theory]
    [InlineData("zone")]
    [InlineData("=inside")]
    [InlineData("zone=")]
    [InlineData("zone=in side")]
    [InlineData("zone=inside\r\nX-Injected: 1")]
    [InlineData("-zone=inside")]
    [InlineData("zo ne=inside")]
    public void Parse_Malformed_IsRefusedWithAClearError(string text)
    {
        var ex = Assert.Throws<FormatException>(() => AgentLabels.Parse(text));
        Assert.DoesNotContain("\r", ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
    }

    [Fact]
    public void Problem_TooManyLabels_IsNamed()
    {
        var labels = Enumerable.Range(0, AgentLabels.MaxLabels + 1).ToDictionary(i => $"k{i}", _ => "v");

        Assert.Contains("at most", AgentLabels.Problem(labels));
    }

    [Fact]
    public void Problem_ValidLabels_IsNull()
    {
        Assert.Null(AgentLabels.Problem(new Dictionary<string, string> { ["zone"] = "outside", ["site"] = "fra1" }));
    }
}
