using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Tests.Model;

public sealed class AuthPlanTests
{
    [Fact]
    public void ToString_NeverShowsThePassword()
    {
        var plan = new AuthPlan { Username = "alice", Password = "s3cret-Pa55" };

        var text = plan.ToString();

        Assert.DoesNotContain("s3cret-Pa55", text);
        Assert.Contains("alice", text);
    }

    [Fact]
    public void ProbePlan_ToString_NeverShowsThePassword()
    {
        var plan = new ProbePlan { To = ["bob@corp.test"], Auth = new AuthPlan { Username = "alice", Password = "s3cret-Pa55" } };

        Assert.DoesNotContain("s3cret-Pa55", plan.ToString());
    }
}
