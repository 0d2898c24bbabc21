using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Security;

/// <summary>Removes secrets from a plan before it is stored or shown: the AUTH password is used once, in memory.</summary>
internal static class Secrets
{
    public static ProbePlan Without(ProbePlan plan) =>
        plan.Auth is null ? plan : plan with { Auth = plan.Auth with { Password = "" } };
}
