using SmtpProbeHub.Contracts.V1;

namespace SmtpProbeHub.Contracts.Tests;

public sealed class HelloRulesTests
{
    private static Hello Valid()
    {
        var hello = new Hello { AgentId = Guid.NewGuid().ToString("D"), Name = "outside-1", Version = "1.0.0", Capacity = 4 };
        hello.Labels.Add("zone", "outside");
        return hello;
    }

    [Fact]
    public void ValidHello_IsAccepted()
    {
        Assert.Null(HelloRules.Problem(Valid()));
    }

    [Theory]
    [InlineData("agent_id", "")]
    [InlineData("agent_id", "../etc")]
    [InlineData("name", "")]
    [InlineData("name", "evil\r\nname")]
    [InlineData("capacity", "0")]
    [InlineData("capacity", "10000")]
    [InlineData("labels", "in side")]
    public void BadHello_IsRefused_NamingTheField(string field, string value)
    {
        var hello = Valid();
        switch (field)
        {
            case "agent_id": hello.AgentId = value; break;
            case "name": hello.Name = value; break;
            case "capacity": hello.Capacity = int.Parse(value); break;
            case "labels": hello.Labels["zone"] = value; break;
        }

        Assert.StartsWith(field, HelloRules.Problem(hello));
    }
}
