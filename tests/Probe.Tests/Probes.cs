using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Targets;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Probe.Tests;

/// <summary>Plans and runners for tests against scripted servers.</summary>
internal static class Probes
{
    public static ProbePlan PlanFor(ScriptedSmtpServer server, params string[] to) => new()
    {
        To = to.Length > 0 ? to : ["alice@corp.test"],
        Server = server.Host,
        Port = server.Port,
        Timeouts = new ProbeTimeouts { ConnectSeconds = 5, BannerSeconds = 5, CommandSeconds = 5, MessageSeconds = 5, TotalSeconds = 30 },
    };

    /// <summary>
    /// Engine options for tests whose peers listen on loopback (scripted servers, Postfix, dnsmasq): the default
    /// target policy denies loopback and ephemeral ports, so these tests say explicitly that they may go there.
    /// </summary>
    public static ProbeEngineOptions Loopback { get; } = new() { Targets = TargetPolicy.AllowAll };

    public static ProbeRunner Runner(ProbeEngineOptions? options = null) => new(options ?? Loopback);

    public static Task<ProbeResult> RunAsync(ProbePlan plan, ProbeEngineOptions? options = null) =>
        Runner(options).RunAsync(plan, null, TestContext.Current.CancellationToken);

    public static ProbeStep Step(this ProbeResult result, StepName name) => result.Steps.Single(s => s.Name == name);

    public static string TranscriptText(this ProbeResult result) => string.Join("\n", result.Transcript.Select(t => $"{t.Direction}: {t.Text}"));
}
