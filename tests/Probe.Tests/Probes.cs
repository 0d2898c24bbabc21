using SmtpProbeHub.Probe.Model;
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

    public static ProbeRunner Runner(ProbeEngineOptions? options = null) => new(options ?? new ProbeEngineOptions());

    public static Task<ProbeResult> RunAsync(ProbePlan plan, ProbeEngineOptions? options = null) =>
        Runner(options).RunAsync(plan, null, TestContext.Current.CancellationToken);

    public static ProbeStep Step(this ProbeResult result, StepName name) => result.Steps.Single(s => s.Name == name);

    public static string TranscriptText(this ProbeResult result) => string.Join("\n", result.Transcript.Select(t => $"{t.Direction}: {t.Text}"));
}
