using SmtpProbeHub.Benchmarks.Harness;
using SmtpProbeHub.Benchmarks.Smtp;
using SmtpProbeHub.Probe;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Postfix;
using SmtpProbeHub.TestSupport.Processes;

namespace SmtpProbeHub.Benchmarks.Latency;

/// <summary>
/// Section 1: one probe at a time, the full KB sequence against a private Postfix on loopback, by every way
/// of running it: raw socket (the floor), in-process engine, swaks, the agent's probe command (a process per
/// probe, like swaks), REST ?wait through the hub to a remote gRPC agent, and through the built-in agent.
/// </summary>
internal static class LatencyBench
{
    private const string Swaks = "/usr/bin/swaks";

    public static async Task RunAsync(BenchSettings settings, BenchReport report)
    {
        await using var postfix = await PostfixInstance.StartAsync();
        report.Note($"Latency: private Postfix {postfix.Host}:{postfix.Port}; recipient {postfix.KnownRecipient} is accepted, so no error " +
            "is ever made and Postfix's smtpd_error_sleep_time (1 s per error) never applies. TLS is off in every variant (the raw client and swaks' default use none).");
        int n = settings.LatencyProbes, warm = settings.LatencyWarmup;

        var raw = await LatencySample.TakeAsync(warm, n, () => LatencySample.TimeAsync(() => RawSmtpClient.RunAsync(postfix.EndPoint)));
        LatencySample.Report(report, "(a) raw socket client", raw, null, "the floor");

        // BENCH_LATENCY="d,e" (comma-separated) narrows the variants for a quick before/after; (a) is always measured.
        var only = System.Environment.GetEnvironmentVariable("BENCH_LATENCY") is { Length: > 0 } list ? list.Split(',').ToHashSet() : null;
        bool Wanted(string variant) => only is null || only.Contains(variant);
        if (Wanted("engine"))
        {
            var (engine, allocated) = await EngineAsync(postfix, warm, n);
            LatencySample.Report(report, "engine in-process (ProbeRunner)", engine, raw);
            report.Add(new Measurement("5. Micro", "allocated per probe, engine in-process", allocated, "bytes", Note: "GC.GetTotalAllocatedBytes over the latency run"));
        }

        var swaksArgs = new[] { "--server", postfix.Host, "--port", postfix.Port.ToString(), "--from", "admin@test.com", "--to", postfix.KnownRecipient,
            "--helo", "test.com", "--header", "Subject: test message", "--body", "This is a test message" };
        var swaks = Wanted("b") ? await LatencySample.TakeAsync(warm, n, () => TimedProcess.RunAsync(Swaks, swaksArgs)) : null;
        if (swaks is not null)
        {
            LatencySample.Report(report, "(b) swaks", swaks, raw, "a Perl process per probe");
        }

        var probeArgs = new[] { "probe", "--server", postfix.Host, "--port", postfix.Port.ToString(), "--from", "admin@test.com", "--to", postfix.KnownRecipient,
            "--helo", "test.com", "--tls", "none", "--allow-network", "127.0.0.0/8", "--allow-port", postfix.Port.ToString() };
        var agentProbe = Wanted("c") ? await LatencySample.TakeAsync(warm, n, () => TimedProcess.RunAsync(settings.AgentPath, probeArgs)) : null;
        if (agentProbe is not null)
        {
            LatencySample.Report(report, "(c) agent `probe` command", agentProbe, raw, $"a process per probe, {Path.GetFileName(Path.GetDirectoryName(settings.AgentPath))}/{Path.GetFileName(settings.AgentPath)}");
        }

        await using var hub = await BenchHub.StartAsync(settings, localAgent: true);
        var (agent, _) = await AgentProcess.StartAsync(settings, settings.AgentPath, hub, "bench-remote", new Dictionary<string, string> { ["lane"] = "remote" }, capacity: 4);
        await using (agent)
        {
            var remoteBody = BenchHub.ProbeBody(postfix.Host, postfix.Port, new { labels = new Dictionary<string, string> { ["lane"] = "remote" } });
            var remote = await LatencySample.TakeAsync(warm, n, () => hub.Client.TimeProbeAsync(remoteBody));
            LatencySample.Report(report, "(d) REST ?wait → hub → remote agent (gRPC)", remote, raw);

            var localBody = BenchHub.ProbeBody(postfix.Host, postfix.Port, new { ids = new[] { "hub" } });
            var local = await LatencySample.TakeAsync(warm, n, () => hub.Client.TimeProbeAsync(localBody));
            LatencySample.Report(report, "(e) REST ?wait → hub → built-in agent", local, raw);

            double p50(List<double> s) => Percentiles.Of(s, 50);
            report.Goal("(d) p50 within 3 ms of (a) p50", "≤ +3 ms", $"+{p50(remote) - p50(raw):0.00} ms ({p50(remote):0.00} vs {p50(raw):0.00})", p50(remote) - p50(raw) <= 3);
            foreach (var (name, sample) in new[] { ("(c) agent probe", agentProbe), ("(d) hub + remote agent", remote), ("(e) hub + built-in agent", local) })
            {
                if (swaks is null || sample is null)
                {
                    continue;
                }

                report.Goal($"{name} faster than (b) swaks (p50)", $"< {p50(swaks):0.0} ms", $"{p50(sample):0.0} ms ({p50(sample) / p50(swaks):0.00}× swaks)", p50(sample) < p50(swaks));
            }
        }
    }

    private static async Task<(List<double> Sample, double AllocatedPerProbe)> EngineAsync(PostfixInstance postfix, int warm, int n)
    {
        var runner = new ProbeRunner(new ProbeEngineOptions { Targets = SmtpProbeHub.Probe.Targets.TargetPolicy.AllowAll });
        var plan = new ProbePlan { Server = postfix.Host, Port = postfix.Port, To = [postfix.KnownRecipient], Tls = TlsMode.None };
        async Task<double> Once()
        {
            ProbeResult? result = null;
            var ms = await LatencySample.TimeAsync(async () => result = await runner.RunAsync(plan with { ProbeId = Guid.NewGuid().ToString("n") }));
            return result?.Verdict == Verdict.Passed ? ms : throw new InvalidOperationException($"engine probe failed: {result?.Diagnosis?.Code} {result?.Diagnosis?.Summary}");
        }

        await LatencySample.TakeAsync(warm, 0, Once);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var sample = await LatencySample.TakeAsync(0, n, Once);
        var allocated = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)n;
        return (sample, allocated);
    }
}
