using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using SmtpProbeHub.Benchmarks.Harness;

namespace SmtpProbeHub.Benchmarks.Micro;

/// <summary>Section 5: BenchmarkDotNet, in-process (no generated project to build) with a short job so it takes about a minute.</summary>
internal static class MicroBench
{
    private const string Section = "5. Micro";

    public static Task RunAsync(BenchSettings settings, BenchReport report)
    {
        var job = new Job("short")
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(settings.Smoke ? 1 : 3)
            .WithIterationCount(settings.Smoke ? 2 : 8)
            .WithIterationTime(TimeInterval.FromMilliseconds(settings.Smoke ? 50 : 250));
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddLogger(ConsoleLogger.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .WithArtifactsPath(Path.Combine(settings.OutputDirectory, "tmp", "bdn"));
        var summaries = BenchmarkRunner.Run([typeof(ReplyParserBenchmarks), typeof(TranscriptBenchmarks)], config);
        foreach (var summary in summaries)
        {
            foreach (var result in summary.Reports)
            {
                var name = result.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'');
                if (result.ResultStatistics is not { } stats)
                {
                    throw new InvalidOperationException($"BenchmarkDotNet produced no result for {name}");
                }

                report.Add(new Measurement(Section, name, stats.Median, "ns", Note: "median"));
                var bytes = result.GcStats.GetBytesAllocatedPerOperation(result.BenchmarkCase);
                if (bytes is { } allocated)
                {
                    report.Add(new Measurement(Section, name + ", allocated", allocated, "bytes/op"));
                }
            }
        }

        return Task.CompletedTask;
    }
}
