using Polly.Timeout;
using SmtpProbeHub.Probe.Diagnostics;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>DNS: the MX hosts of the first recipient's domain (or the given server), within the command timeout.</summary>
internal static class ResolveStep
{
    public static async Task<bool> RunAsync(ProbeSession session, CancellationToken cancellationToken)
    {
        var plan = session.Plan;
        var scope = session.Begin(StepName.Resolve);
        Resolution.ResolveOutcome resolved;
        try
        {
            resolved = await session.TimeoutPipeline.ExecuteAsync(
                session.CommandTimeout,
                async ct => await session.Resolver.ResolveAsync(plan, session.Transcript, ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException)
        {
            session.End(scope, StepOutcome.Timeout, detail: "DNS did not answer in time", diagnosisCode: DiagnosisCodes.DnsFailure, diagnosisDetail: "timeout");
            return false;
        }

        session.Resolution = resolved.Report;
        if (resolved.FailureCode is { } code)
        {
            var recipient = plan.To[0];
            session.Server = new ServerEndpoint(plan.Server ?? recipient[(recipient.LastIndexOf('@') + 1)..], null, plan.EffectivePort);
            session.End(scope, StepOutcome.Error, detail: resolved.Detail, diagnosisCode: code, diagnosisDetail: resolved.Detail);
            return false;
        }

        session.Hosts = resolved.Hosts;
        session.End(scope, StepOutcome.Ok, detail: string.Join(", ", resolved.Hosts.Select(h => $"{h.Name} ({string.Join(", ", h.Addresses)})")));
        return true;
    }
}
